// act.cu: CUDA twins of act.h (LeakyReLU, amplitude modulation), resunit.h (the dilated
// residual unit, composed from conv1d.cu) and the fused residual-gradient kernel.
// Elementwise kernels use grid-stride loops; amod uses double for sigmoid/tanh like the CPU.
#include "train/cuda/common.cuh"

extern "C" {
#include "train/nn/resunit.h"
}

#define GRID(n) (rv_cu_blocks((n), 256) > 65535u * 16 ? 65535u * 16 : rv_cu_blocks((n), 256))
#define LOOP(i, n) for (long i = blockIdx.x * (long)blockDim.x + threadIdx.x; i < (n); \
                        i += (long)gridDim.x * blockDim.x)

__global__ void k_lrelu_fwd(float *out, const float *in, long n, float slope) {
    LOOP(i, n) { float x = in[i]; out[i] = x > 0 ? x : slope * x; }
}
__global__ void k_lrelu_bwd(float *din, const float *dout, const float *in, long n, float slope,
                            float beta) {
    LOOP(i, n) {
        float g = in[i] > 0 ? dout[i] : slope * dout[i];
        din[i] = beta != 0.f ? din[i] + g : g;
    }
}
__global__ void k_res_dx(float *dx, const float *t, const float *x, const float *dout, long n,
                         float slope) {
    LOOP(i, n) dx[i] += (x[i] > 0 ? t[i] : slope * t[i]) + dout[i];
}
__global__ void k_add(float *out, const float *x, long n) { LOOP(i, n) out[i] += x[i]; }

__device__ static inline double sigm(double a) { return 1.0 / (1.0 + exp(-a)); }

__global__ void k_amod_fwd(float *out, const float *in, long CT, long n) {
    LOOP(i, n) {
        long b = i / CT, j = i % CT;
        const float *x = in + 2 * CT * b;
        out[i] = (float)tanh(x[j] * sigm(x[j + CT]));
    }
}
__global__ void k_amod_bwd(float *din, const float *dout, const float *in, long CT, long n) {
    LOOP(i, n) {
        long b = i / CT, j = i % CT;
        const float *x = in + 2 * CT * b;
        double s = sigm(x[j + CT]), y = tanh(x[j] * s), g = dout[i] * (1 - y * y);
        float *dx = din + 2 * CT * b;
        dx[j] += (float)(g * s);
        dx[j + CT] += (float)(g * x[j] * s * (1 - s));
    }
}

extern "C" void rv_lrelu_fwd_cuda(float *out, const float *in, long n, float slope) {
    if (n <= 0) return;
    k_lrelu_fwd<<<GRID(n), 256, 0, rv_cu_stream()>>>(out, in, n, slope);
    GD_LAUNCH_CHECK();
}
void rv_cu_lrelu_bwd(float *din, const float *dout, const float *in, long n, float slope,
                     float beta) {
    if (n <= 0) return;
    k_lrelu_bwd<<<GRID(n), 256, 0, rv_cu_stream()>>>(din, dout, in, n, slope, beta);
    GD_LAUNCH_CHECK();
}
extern "C" void rv_lrelu_bwd_cuda(float *din, const float *dout, const float *in, long n,
                                  float slope) {
    rv_cu_lrelu_bwd(din, dout, in, n, slope, 1.f);
}
void rv_cu_res_dx(float *dx, const float *t, const float *x, const float *dout, long n,
                  float slope) {
    if (n <= 0) return;
    k_res_dx<<<GRID(n), 256, 0, rv_cu_stream()>>>(dx, t, x, dout, n, slope);
    GD_LAUNCH_CHECK();
}
extern "C" void rv_amod_fwd_cuda(float *out, const float *in, int B, int C, int T) {
    long CT = (long)C * T, n = CT * B;
    if (n <= 0) return;
    k_amod_fwd<<<GRID(n), 256, 0, rv_cu_stream()>>>(out, in, CT, n);
    GD_LAUNCH_CHECK();
}
extern "C" void rv_amod_bwd_cuda(float *din, const float *dout, const float *in, int B, int C,
                                 int T) {
    long CT = (long)C * T, n = CT * B;
    if (n <= 0) return;
    k_amod_bwd<<<GRID(n), 256, 0, rv_cu_stream()>>>(din, dout, in, CT, n);
    GD_LAUNCH_CHECK();
}

// ---------------------------------------------------------------------------- residual unit
static void res_shapes(rv_conv1d_shape *s1, rv_conv1d_shape *s2, int C, int k, int d) {
    *s1 = (rv_conv1d_shape){C, C, k, 1, d, 0, 0};
    rv_conv1d_center_pad(s1);
    *s2 = (rv_conv1d_shape){C, C, 1, 1, 1, 0, 0};
}

void rv_cu_resunit_fwd(float *out, float *a1, float *h1, float *a2, const float *x,
                       const float *w1, const float *w2, int B, int C, int T, int k, int d,
                       float *scratch, int nb) {
    rv_conv1d_shape s1, s2;
    res_shapes(&s1, &s2, C, k, d);
    long n = (long)B * C * T;
    if (a1) rv_lrelu_fwd_cuda(a1, x, n, (float)RV_LRELU_SLOPE);   // contract of the twin only
    if (rv_cu_is_pointwise(&s1))
        rv_cu_conv1d_fwd(h1, a1, w1, NULL, B, T, &s1, scratch, nb, 0.f, 0);
    else   // lrelu(x) fused into the unfolding: a1 is never read
        rv_cu_conv1d_fwd(h1, x, w1, NULL, B, T, &s1, scratch, nb, 0.f, 1);
    rv_lrelu_fwd_cuda(a2, h1, n, (float)RV_LRELU_SLOPE);
    // out = x + w2 a2: copy x, then accumulate the 1x1 product (beta = 1)
    GD_CUDA_CHECK(cudaMemcpyAsync(out, x, sizeof(float) * n, cudaMemcpyDeviceToDevice,
                                  rv_cu_stream()));
    rv_cu_conv1d_fwd(out, a2, w2, NULL, B, T, &s2, scratch, nb, 1.f, 0);
}

void rv_cu_resunit_bwd(float *dx, float *dw1, float *dw2, const float *dout, const float *x,
                       const float *a1, const float *h1, const float *a2, const float *w1,
                       const float *w2, int B, int C, int T, int k, int d, float *scratch,
                       float *tmp1, float *tmp2, int nb) {
    rv_conv1d_shape s1, s2;
    res_shapes(&s1, &s2, C, k, d);
    long n = (long)B * C * T;
    size_t bytes = sizeof(float) * (size_t)n;
    GD_CUDA_CHECK(cudaMemsetAsync(tmp1, 0, bytes, rv_cu_stream()));          // d a2
    rv_cu_conv1d_bwd(tmp1, dw2, NULL, dout, a2, w2, B, T, &s2, scratch, nb, 0);
    rv_cu_lrelu_bwd(tmp2, tmp1, h1, n, (float)RV_LRELU_SLOPE, 0.f);          // d h1
    // conv1's input is lrelu(x): unfolded from x (fused) unless conv1 is pointwise (k = 1)
    int pw = rv_cu_is_pointwise(&s1);
    const float *in1 = pw ? a1 : x;
    if (!dx) {
        rv_cu_conv1d_bwd(NULL, dw1, NULL, tmp2, in1, w1, B, T, &s1, scratch, nb, !pw);
        return;
    }
    GD_CUDA_CHECK(cudaMemsetAsync(tmp1, 0, bytes, rv_cu_stream()));          // d a1
    rv_cu_conv1d_bwd(tmp1, dw1, NULL, tmp2, in1, w1, B, T, &s1, scratch, nb, !pw);
    rv_cu_res_dx(dx, tmp1, x, dout, n, (float)RV_LRELU_SLOPE);
}

extern "C" void rv_resunit_fwd_cuda(float *out, float *a1, float *h1, float *a2, const float *x,
                                    const float *w1, const float *w2, int B, int C, int T, int k,
                                    int d, float *scratch) {
    rv_cu_resunit_fwd(out, a1, h1, a2, x, w1, w2, B, C, T, k, d, scratch, 1);
}
extern "C" void rv_resunit_bwd_cuda(float *dx, float *dw1, float *dw2, const float *dout,
                                    const float *x, const float *a1, const float *h1,
                                    const float *a2, const float *w1, const float *w2, int B,
                                    int C, int T, int k, int d, float *scratch, float *tmp1,
                                    float *tmp2) {
    rv_cu_resunit_bwd(dx, dw1, dw2, dout, x, a1, h1, a2, w1, w2, B, C, T, k, d, scratch, tmp1,
                      tmp2, 1);
}
