// wnorm.cu: CUDA twins of wnorm.h (weight norm, per row) and adam.h (Adam step).
// One block per weight-norm row; norms and dots reduced in double in a fixed order.
// Adam computes its moments in double like the CPU reference; rv_cu_adam reads lr and the
// step from device memory so a captured graph can replay it with a new schedule.
#include "train/cuda/common.cuh"

#define NT 256

__device__ static double block_sum(double v, double *sh) {
    sh[threadIdx.x] = v;
    __syncthreads();
    for (int w = NT / 2; w > 0; w >>= 1) {
        if ((int)threadIdx.x < w) sh[threadIdx.x] += sh[threadIdx.x + w];
        __syncthreads();
    }
    double r = sh[0];
    __syncthreads();
    return r;
}

__global__ void k_wnorm_fwd(float *w, const float *v, const float *g, long n) {
    __shared__ double sh[NT];
    const float *vr = v + blockIdx.x * n;
    double s = 0;
    for (long i = threadIdx.x; i < n; i += NT) s += (double)vr[i] * vr[i];
    double scale = g[blockIdx.x] / sqrt(block_sum(s, sh));
    for (long i = threadIdx.x; i < n; i += NT) w[blockIdx.x * n + i] = (float)(scale * vr[i]);
}

__global__ void k_wnorm_bwd(float *dv, float *dg, const float *dw, const float *v,
                            const float *g, long n) {
    __shared__ double sh[NT];
    const float *vr = v + blockIdx.x * n, *dwr = dw + blockIdx.x * n;
    double s = 0, dot = 0;
    for (long i = threadIdx.x; i < n; i += NT) {
        s += (double)vr[i] * vr[i];
        dot += (double)dwr[i] * vr[i];
    }
    double nrm = sqrt(block_sum(s, sh));
    dot = block_sum(dot, sh);
    if (dg && threadIdx.x == 0) dg[blockIdx.x] += (float)(dot / nrm);
    if (dv) {
        double a = g[blockIdx.x] / nrm, c = a * dot / (nrm * nrm);
        for (long i = threadIdx.x; i < n; i += NT)
            dv[blockIdx.x * n + i] += (float)(a * dwr[i] - c * vr[i]);
    }
}

extern "C" void rv_wnorm_fwd_cuda(float *w, const float *v, const float *g, int rows, long n) {
    if (rows <= 0) return;
    k_wnorm_fwd<<<rows, NT, 0, rv_cu_stream()>>>(w, v, g, n);
    GD_LAUNCH_CHECK();
}

extern "C" void rv_wnorm_bwd_cuda(float *dv, float *dg, const float *dw, const float *v,
                                  const float *g, int rows, long n) {
    if (rows <= 0) return;
    k_wnorm_bwd<<<rows, NT, 0, rv_cu_stream()>>>(dv, dg, dw, v, g, n);
    GD_LAUNCH_CHECK();
}

// ---------------------------------------------------------------------------- Adam
__global__ void k_adam(float *p, float *m, float *v, const float *g, long n, double b1,
                       double b2, double eps, const double *sched, double lr_h, double t_h) {
    double lr = sched ? sched[0] : lr_h, t = sched ? sched[1] : t_h;
    double bc1 = 1 - pow(b1, t), bc2s = sqrt(1 - pow(b2, t));
    float step = (float)(lr / bc1);
    for (long i = blockIdx.x * (long)blockDim.x + threadIdx.x; i < n;
         i += (long)gridDim.x * blockDim.x) {
        float mi = (float)(b1 * m[i] + (1 - b1) * g[i]);
        float vi = (float)(b2 * v[i] + (1 - b2) * (double)g[i] * g[i]);
        m[i] = mi; v[i] = vi;
        float denom = (float)(sqrt((double)vi) / bc2s + eps);
        p[i] -= step * (mi / denom);
    }
}

static unsigned adam_grid(long n) {
    unsigned b = rv_cu_blocks(n, 256);
    return b > 132u * 16 ? 132u * 16 : b;
}

void rv_cu_adam(float *p, float *m, float *v, const float *g, long n, double beta1,
                double beta2, double eps, const double *sched) {
    if (n <= 0) return;
    k_adam<<<adam_grid(n), 256, 0, rv_cu_stream()>>>(p, m, v, g, n, beta1, beta2, eps, sched,
                                                     0, 0);
    GD_LAUNCH_CHECK();
}

extern "C" void rv_adam_step_cuda(float *p, float *m, float *v, const float *g, long n,
                                  const rv_adam_cfg *cfg, double lr, long t) {
    if (n <= 0) return;
    k_adam<<<adam_grid(n), 256, 0, rv_cu_stream()>>>(p, m, v, g, n, cfg->beta1, cfg->beta2,
                                                     cfg->eps, NULL, lr, (double)t);
    GD_LAUNCH_CHECK();
}
