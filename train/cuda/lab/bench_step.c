// bench_step.c: times the GPU training step (train/cuda/gpu_model.h) of a config at a given
// batch and crop, eager and with CUDA-graph replay, and prints one JSON line per mode:
// median ms/step over the timed steps (CUDA events around each step), steps/s, matrix
// TFLOP/s (2 FLOP per MAC, forward + both backward products), device memory in use at the end
// (cudaMemGetInfo: includes the CUDA context, cuBLAS workspace and cuFFT plans) with the
// context's own share measured before any allocation, and the loss of the last step. Phase 1 (encoder trained, MMD) or phase 2 (--phase 2: the generator step
// with frozen encoder + adversarial + feature matching through the discriminator, and the
// discriminator step timed separately; RAVE alternates 1 D : 3 G).
// With --profile, one extra eager step is timed segment by segment (CUDA events).
// bench_step --ceilings measures the two ceilings of METHOD.md instead: device-to-device copy
// bandwidth (bytes read + written) and an 8192^3 SGEMM in TF32 and in fp32, on random data.
// Usage: bench_step CONFIG.yaml [--batch B] [--n N] [--steps S] [--warmup W] [--phase 1|2]
//                                [--fp32] [--no-graph] [--profile]
//        bench_step --ceilings
#include <cublas_v2.h>
#include <cuda_runtime_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "train/config.h"
#include "train/cuda/gpu_model.h"
#include "train/cuda/rv_cuda.h"
#include "train/model.h"

static int cmp_f(const void *a, const void *b) {
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

static double time_ms(void (*fn)(void *), void *arg, int reps) {
    cudaEvent_t e0, e1;
    cudaEventCreate(&e0);
    cudaEventCreate(&e1);
    fn(arg);   // warm-up
    cudaEventRecord(e0, (cudaStream_t)rv_cuda_stream());
    for (int i = 0; i < reps; i++) fn(arg);
    cudaEventRecord(e1, (cudaStream_t)rv_cuda_stream());
    cudaEventSynchronize(e1);
    float ms = 0;
    cudaEventElapsedTime(&ms, e0, e1);
    cudaEventDestroy(e0);
    cudaEventDestroy(e1);
    return ms / reps;
}

typedef struct { float *a, *b, *c; size_t n; int dim; } ceil_arg;
static void do_copy(void *p) {
    ceil_arg *a = p;
    cudaMemcpyAsync(a->b, a->a, a->n * sizeof(float), cudaMemcpyDeviceToDevice,
                    (cudaStream_t)rv_cuda_stream());
}
static void do_gemm(void *p) {
    ceil_arg *a = p;
    const float one = 1, zero = 0;
    cublasSgemm((cublasHandle_t)rv_cuda_cublas(), CUBLAS_OP_N, CUBLAS_OP_N, a->dim, a->dim,
                a->dim, &one, a->a, a->dim, a->b, a->dim, &zero, a->c, a->dim);
}

static void ceilings(void) {
    int dim = 8192;
    size_t n = (size_t)dim * dim;   // 256 MiB per matrix; the copy uses 4 of them (1 GiB)
    float *h = malloc(sizeof(float) * n);
    unsigned long long s = 12345;
    for (size_t i = 0; i < n; i++) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        h[i] = (float)((s >> 40) * (1.0 / 16777216.0) - 0.5);
    }
    float *buf = rv_cuda_malloc(sizeof(float) * 8 * n);
    for (int i = 0; i < 8; i++) rv_cuda_upload(buf + i * n, h, sizeof(float) * n);
    ceil_arg cp = {buf, buf + 4 * n, NULL, 4 * n, 0};
    double ms_copy = time_ms(do_copy, &cp, 10);
    ceil_arg gm = {buf, buf + n, buf + 2 * n, 0, dim};
    rv_cuda_set_tf32(1);
    double ms_tf32 = time_ms(do_gemm, &gm, 5);
    rv_cuda_set_tf32(0);
    double ms_fp32 = time_ms(do_gemm, &gm, 3);
    double fl = 2.0 * dim * (double)dim * dim;
    printf("{\"ceilings\": 1, \"copy_TBps\": %.3f, \"sgemm_tf32_TFLOPs\": %.1f, "
           "\"sgemm_fp32_TFLOPs\": %.1f}\n", 2.0 * 4 * n * sizeof(float) / (ms_copy * 1e-3) / 1e12,
           fl / (ms_tf32 * 1e-3) / 1e12, fl / (ms_fp32 * 1e-3) / 1e12);
    rv_cuda_free(buf);
    free(h);
}

static size_t g_context_bytes;   // device memory in use before rv_cuda_init (main)

// Device memory in use now (whole device: context, library workspaces, our allocations).
static size_t device_used(void) {
    size_t fr = 0, tot = 0;
    return cudaMemGetInfo(&fr, &tot) == cudaSuccess ? tot - fr : 0;
}

static void run(rv_gpu *g, const rv_model *m, int B, long N, int steps, int warmup, int graph,
                int phase, const char *cfg_name, int tf32, int profile) {
    int Tl = (int)(N / rv_config_hop(&m->cfg)), L = m->cfg.latent_size, K = m->cfg.noise_channels;
    long nx = (long)B * N, nn = (long)B * K * Tl, np = (long)B * L * Tl;
    float *x = malloc(sizeof(float) * nx), *noise = malloc(sizeof(float) * (nn ? nn : 1));
    float *prior = malloc(sizeof(float) * np), *ms = malloc(sizeof(float) * steps);
    gd_rng r;
    gd_rng_init(&r, 5, 5);
    for (long i = 0; i < nx; i++) x[i] = (float)(0.3 * gd_rng_normal(&r));
    for (long i = 0; i < nn; i++) noise[i] = (float)gd_rng_normal(&r);
    for (long i = 0; i < np; i++) prior[i] = (float)gd_rng_normal(&r);
    rv_gpu_upload_params(g, m);
    rv_gpu_set_graph(g, graph);
    int te = phase == 1;
    cudaEvent_t e0, e1;
    cudaEventCreate(&e0);
    cudaEventCreate(&e1);
    for (int s = 0; s < warmup; s++)
        rv_gpu_step(g, x, noise, prior, 1e-4, s + 1, 1, 1, te);
    rv_losses l;
    rv_gpu_losses(g, &l);
    for (int s = 0; s < steps; s++) {
        cudaEventRecord(e0, (cudaStream_t)rv_cuda_stream());
        rv_gpu_step(g, x, noise, prior, 1e-4, warmup + s + 1, 1, 1, te);
        cudaEventRecord(e1, (cudaStream_t)rv_cuda_stream());
        cudaEventSynchronize(e1);
        cudaEventElapsedTime(&ms[s], e0, e1);
    }
    rv_gpu_losses(g, &l);
    if (phase == 2 && !graph) {   // discriminator steps (eager)
        float *md = malloc(sizeof(float) * steps);
        for (int s = 0; s < steps + 1; s++) {
            cudaEventRecord(e0, (cudaStream_t)rv_cuda_stream());
            rv_gpu_d_step(g, x, noise, prior, 1e-4, s + 1, 1);
            cudaEventRecord(e1, (cudaStream_t)rv_cuda_stream());
            cudaEventSynchronize(e1);
            if (s) cudaEventElapsedTime(&md[s - 1], e0, e1);   // the first is a warm-up
        }
        rv_losses ld;
        rv_gpu_losses(g, &ld);
        qsort(md, steps, sizeof(float), cmp_f);
        double dfl = rv_gpu_disc_flops(g) + rv_gpu_step_flops(g) / 3.0;   // D + gen forward
        printf("{\"impl\": \"gendang-cuda\", \"config\": \"%s\", \"phase\": 2, \"batch\": %d, "
               "\"n\": %ld, \"mode\": \"dstep\", \"tf32\": %d, \"dw\": \"%s\", \"ms_median\": %.3f, "
               "\"ms_best\": %.3f, \"steps_per_s\": %.3f, \"tflops\": %.2f, \"model_bytes\": %zu, "
               "\"device_used_bytes\": %zu, \"context_bytes\": %zu, \"loss\": %.6f}\n", cfg_name, B, N, tf32,
               getenv("GD_CUDA_DW") ? getenv("GD_CUDA_DW") : "batched",
               md[steps / 2], md[0], 1000.0 / md[steps / 2], dfl / (md[steps / 2] * 1e-3) / 1e12,
               rv_gpu_device_bytes(g), device_used(), g_context_bytes, ld.disc);
        free(md);
    }
    qsort(ms, steps, sizeof(float), cmp_f);
    double med = ms[steps / 2], best = ms[0];
    double fl = rv_gpu_step_flops(g);
    if (!te) fl = fl * 2.0 / 3.0 + rv_gpu_disc_flops(g);   // ~: no encoder backward; + D
    printf("{\"impl\": \"gendang-cuda\", \"config\": \"%s\", \"phase\": %d, \"batch\": %d, "
           "\"n\": %ld, \"mode\": \"%s\", \"tf32\": %d, \"dw\": \"%s\", \"ms_median\": %.3f, \"ms_best\": %.3f, "
           "\"steps_per_s\": %.3f, \"tflops\": %.2f, \"model_bytes\": %zu, "
           "\"device_used_bytes\": %zu, \"context_bytes\": %zu, \"loss\": %.6f}\n",
           cfg_name, phase, B, N, graph ? "graph" : "eager", tf32,
           getenv("GD_CUDA_DW") ? getenv("GD_CUDA_DW") : "batched", med, best, 1000.0 / med,
           fl / (med * 1e-3) / 1e12, rv_gpu_device_bytes(g), device_used(), g_context_bytes, l.total);
    fflush(stdout);
    if (profile) {
        const char *names[24];
        double pm[24], tot = 0;
        int np_ = rv_gpu_profile(g, x, noise, prior, te, names, pm, 24);
        for (int i = 0; i < np_; i++) tot += pm[i];
        printf("{\"profile\": \"%s\", \"phase\": %d, \"total_ms\": %.3f", cfg_name, phase, tot);
        for (int i = 0; i < np_; i++) printf(", \"%s\": %.3f", names[i], pm[i]);
        printf("}\n");
        rv_gpu_layer_profile(g, 3);
    }
    cudaEventDestroy(e0);
    cudaEventDestroy(e1);
    free(x); free(noise); free(prior); free(ms);
}

int main(int argc, char **argv) {
    if (argc < 2 || !strcmp(argv[1], "--help")) {
        printf("usage: bench_step CONFIG.yaml [--batch B] [--n N] [--steps S] [--warmup W] "
               "[--phase 1|2] [--fp32] [--no-graph]\n");
        return argc < 2 ? 2 : 0;
    }
    int B = 0, steps = 20, warmup = 3, phase = 1, tf32 = 1, graph = 1, profile = 0;
    long N = 0;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--batch") && i + 1 < argc) B = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--n") && i + 1 < argc) N = atol(argv[++i]);
        else if (!strcmp(argv[i], "--steps") && i + 1 < argc) steps = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--warmup") && i + 1 < argc) warmup = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--phase") && i + 1 < argc) phase = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--fp32")) tf32 = 0;
        else if (!strcmp(argv[i], "--no-graph")) graph = 0;
        else if (!strcmp(argv[i], "--profile")) profile = 1;
        else { fprintf(stderr, "bench_step: unknown argument %s\n", argv[i]); return 2; }
    }
    if (steps < 1 || warmup < 1) { fprintf(stderr, "bench_step: steps and warmup >= 1\n"); return 2; }
    // Device memory in use before anything of ours: the CUDA context (the runtime creates it
    // here), so the rows can report what the step itself holds beyond it, like the torch
    // bench's "in use - context".
    size_t f0 = 0, t0 = 0;
    if (cudaMemGetInfo(&f0, &t0) == cudaSuccess) g_context_bytes = t0 - f0;
    char why[256];
    if (rv_cuda_init(why, sizeof(why))) {
        printf("{\"impl\": \"gendang-cuda\", \"skipped\": \"no GPU (%s)\"}\n", why);
        return 0;
    }
    if (!strcmp(argv[1], "--ceilings")) {
        ceilings();
        rv_cuda_shutdown();
        return 0;
    }
    rv_cuda_set_tf32(tf32);
    rv_config c;
    rv_config_default(&c);
    if (rv_config_load(&c, argv[1])) return 1;
    if (B <= 0) B = c.batch;
    if (N <= 0) N = c.n_signal;
    rv_model m;
    if (rv_model_init(&m, &c)) return 1;
    rv_model_init_params(&m, 1);
    rv_gpu *g;
    if (rv_gpu_init(&g, &m, B, N, 1)) { rv_model_free(&m); return 1; }
    if (phase == 2 && (rv_model_init_disc(&m, 2) || rv_gpu_init_disc(g, m.disc))) {
        rv_gpu_free(g);
        rv_model_free(&m);
        return 1;
    }
    const char *name = strrchr(argv[1], '/');
    name = name ? name + 1 : argv[1];
    char dev[256];
    rv_cuda_device_name(dev, sizeof(dev));
    fprintf(stderr, "bench_step: %s phase %d on %s, %ld parameters, %.2f GiB model block, "
            "%.1f GFLOP/step (+ %.1f discriminator)\n", name, phase, dev, m.P.total,
            rv_gpu_device_bytes(g) / 1073741824.0, rv_gpu_step_flops(g) / 1e9,
            rv_gpu_disc_flops(g) / 1e9);
    if (graph) run(g, &m, B, N, steps, warmup, 0, phase, name, tf32, profile);
    run(g, &m, B, N, steps, warmup, graph, phase, name, tf32, graph ? 0 : profile);
    rv_gpu_free(g);
    rv_model_free(&m);
    rv_cuda_shutdown();
    return 0;
}
