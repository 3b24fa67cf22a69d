// bench_step.c: times the GPU training step (train/cuda/gpu_model.h) of a config at a given
// batch and crop, eager and with CUDA-graph replay, and prints one JSON line per mode:
// median ms/step over the timed steps (CUDA events around each step), steps/s, matrix
// TFLOP/s (2 FLOP per MAC, forward + both backward products), device memory in use at the end
// (cudaMemGetInfo: includes the CUDA context, cuBLAS workspace and cuFFT plans) and the loss
// of the last step. Phase 1 (encoder trained, MMD) or phase 2 (--phase 2: frozen encoder;
// the discriminator is NOT part of this step yet).
// Usage: bench_step CONFIG.yaml [--batch B] [--n N] [--steps S] [--warmup W] [--phase 1|2]
//                                [--fp32] [--no-graph]
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

static void run(rv_gpu *g, const rv_model *m, int B, long N, int steps, int warmup, int graph,
                int phase, const char *cfg_name, int tf32) {
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
    qsort(ms, steps, sizeof(float), cmp_f);
    double med = ms[steps / 2], best = ms[0];
    size_t fr = 0, tot = 0;
    cudaMemGetInfo(&fr, &tot);
    double fl = rv_gpu_step_flops(g);
    if (!te) fl *= 0.5;   // rough: the encoder half of the products is skipped
    printf("{\"impl\": \"gendang-cuda\", \"config\": \"%s\", \"phase\": %d, \"batch\": %d, "
           "\"n\": %ld, \"mode\": \"%s\", \"tf32\": %d, \"ms_median\": %.3f, \"ms_best\": %.3f, "
           "\"steps_per_s\": %.3f, \"tflops\": %.2f, \"model_bytes\": %zu, "
           "\"device_used_bytes\": %zu, \"loss\": %.6f}\n",
           cfg_name, phase, B, N, graph ? "graph" : "eager", tf32, med, best, 1000.0 / med,
           fl / (med * 1e-3) / 1e12, rv_gpu_device_bytes(g), tot - fr, l.total);
    fflush(stdout);
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
    int B = 0, steps = 20, warmup = 3, phase = 1, tf32 = 1, graph = 1;
    long N = 0;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--batch") && i + 1 < argc) B = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--n") && i + 1 < argc) N = atol(argv[++i]);
        else if (!strcmp(argv[i], "--steps") && i + 1 < argc) steps = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--warmup") && i + 1 < argc) warmup = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--phase") && i + 1 < argc) phase = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--fp32")) tf32 = 0;
        else if (!strcmp(argv[i], "--no-graph")) graph = 0;
        else { fprintf(stderr, "bench_step: unknown argument %s\n", argv[i]); return 2; }
    }
    if (steps < 1 || warmup < 1) { fprintf(stderr, "bench_step: steps and warmup >= 1\n"); return 2; }
    char why[256];
    if (rv_cuda_init(why, sizeof(why))) {
        printf("{\"impl\": \"gendang-cuda\", \"skipped\": \"no GPU (%s)\"}\n", why);
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
    const char *name = strrchr(argv[1], '/');
    name = name ? name + 1 : argv[1];
    char dev[256];
    rv_cuda_device_name(dev, sizeof(dev));
    fprintf(stderr, "bench_step: %s on %s, %ld parameters, %.2f GiB model block, %.1f GFLOP/step\n",
            name, dev, m.P.total, rv_gpu_device_bytes(g) / 1073741824.0,
            rv_gpu_step_flops(g) / 1e9);
    if (graph) run(g, &m, B, N, steps, warmup, 0, phase, name, tf32);
    run(g, &m, B, N, steps, warmup, graph, phase, name, tf32);
    rv_gpu_free(g);
    rv_model_free(&m);
    rv_cuda_shutdown();
    return 0;
}
