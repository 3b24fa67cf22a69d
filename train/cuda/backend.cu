// backend.cu: the CUDA backend's device, stream and cuBLAS handle (one per process), and
// small allocation helpers. TF32 is a switch (rv_cuda_set_tf32); see rv_cuda.h.
#include <string.h>

#include "train/cuda/common.cuh"

static cudaStream_t   g_stream;
static cublasHandle_t g_blas;
static void          *g_blas_ws;
static int            g_ready;

static float         *g_dw_ws;
static size_t         g_dw_cap;
static int            g_dw_loop;   // GD_CUDA_DW=loop: sequential per-item weight gradients
static int            g_dw_fold;   // GD_CUDA_DW=fold: conv1d weight gradients as one GEMM over
                                   // items x time (see rv_cu_dw_fold)

static const size_t BLAS_WS_BYTES = (size_t)32 << 20;   // fixed workspace: graph-capturable

extern "C" int rv_cuda_compiled(void) { return 1; }

extern "C" int rv_cuda_init(char *why, size_t why_cap) {
    if (g_ready) return 0;
    int n = 0;
    cudaError_t e = cudaGetDeviceCount(&n);
    if (e != cudaSuccess || n == 0) {
        if (why) snprintf(why, why_cap, "%s", e != cudaSuccess ? cudaGetErrorString(e)
                                                              : "no CUDA device");
        cudaGetLastError();
        return -11;   // GD_ERR_INTERNAL
    }
    GD_CUDA_CHECK(cudaSetDevice(0));
    GD_CUDA_CHECK(cudaStreamCreateWithFlags(&g_stream, cudaStreamNonBlocking));
    GD_CUBLAS_CHECK(cublasCreate(&g_blas));
    GD_CUBLAS_CHECK(cublasSetStream(g_blas, g_stream));
    GD_CUDA_CHECK(cudaMalloc(&g_blas_ws, BLAS_WS_BYTES));
    GD_CUBLAS_CHECK(cublasSetWorkspace(g_blas, g_blas_ws, BLAS_WS_BYTES));
    GD_CUBLAS_CHECK(cublasSetMathMode(g_blas, CUBLAS_TF32_TENSOR_OP_MATH));
    const char *dw = getenv("GD_CUDA_DW");
    g_dw_loop = dw && !strcmp(dw, "loop");
    g_dw_fold = dw && !strcmp(dw, "fold");
    g_ready = 1;
    return 0;
}

extern "C" void rv_cuda_shutdown(void) {
    if (!g_ready) return;
    cudaStreamSynchronize(g_stream);
    cublasDestroy(g_blas);
    cudaFree(g_blas_ws);
    cudaFree(g_dw_ws);
    g_dw_ws = NULL; g_dw_cap = 0;
    cudaStreamDestroy(g_stream);
    g_ready = 0;
}

extern "C" void rv_cuda_set_tf32(int on) {
    GD_CUBLAS_CHECK(cublasSetMathMode(g_blas, on ? CUBLAS_TF32_TENSOR_OP_MATH
                                                 : CUBLAS_DEFAULT_MATH));
}

extern "C" void rv_cuda_set_dw_loop(int loop) { g_dw_loop = loop; }
int rv_cu_dw_fold(void) { return g_dw_fold; }

void rv_cu_dw_reserve(size_t floats) {
    if (g_dw_loop || floats <= g_dw_cap) return;
    GD_CUDA_CHECK(cudaStreamSynchronize(g_stream));
    GD_CUDA_CHECK(cudaFree(g_dw_ws));
    GD_CUDA_CHECK(cudaMalloc(&g_dw_ws, sizeof(float) * floats));
    g_dw_cap = floats;
}

float *rv_cu_dw_workspace(size_t floats) {
    if (g_dw_loop || floats > RV_CU_DW_MAX) return NULL;
    if (floats > g_dw_cap) {
        cudaStreamCaptureStatus cs;
        GD_CUDA_CHECK(cudaStreamIsCapturing(g_stream, &cs));
        if (cs != cudaStreamCaptureStatusNone) return NULL;
        rv_cu_dw_reserve(floats);
    }
    return g_dw_ws;
}

// GD_CUDA_DW=fold's workspace: grows on demand only until the first CUDA graph capture
// (rv_cu_dw_freeze); a captured graph holds the pointer, so afterwards a request larger
// than what init reserved gets NULL (the caller falls back to the default path).
static int g_dw_frozen;
void rv_cu_dw_freeze(void) { g_dw_frozen = 1; }
float *rv_cu_dw_workspace_fold(size_t floats) {
    if (g_dw_loop || floats > RV_CU_DW_MAX) return NULL;
    if (floats > g_dw_cap && g_dw_frozen) return NULL;
    return rv_cu_dw_workspace(floats);
}

cudaStream_t   rv_cu_stream(void) { return g_stream; }
cublasHandle_t rv_cu_cublas(void) { return g_blas; }
extern "C" void *rv_cuda_stream(void) { return (void *)g_stream; }
extern "C" void *rv_cuda_cublas(void) { return (void *)g_blas; }

extern "C" void rv_cuda_sync(void) { GD_CUDA_CHECK(cudaStreamSynchronize(g_stream)); }

extern "C" void *rv_cuda_malloc(size_t bytes) {
    void *p = NULL;
    GD_CUDA_CHECK(cudaMalloc(&p, bytes ? bytes : 1));
    return p;
}
extern "C" void rv_cuda_free(void *p) { if (p) GD_CUDA_CHECK(cudaFree(p)); }
extern "C" void rv_cuda_upload(void *dst, const void *src, size_t bytes) {
    GD_CUDA_CHECK(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyHostToDevice, g_stream));
    GD_CUDA_CHECK(cudaStreamSynchronize(g_stream));
}
extern "C" void rv_cuda_download(void *dst, const void *src, size_t bytes) {
    GD_CUDA_CHECK(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToHost, g_stream));
    GD_CUDA_CHECK(cudaStreamSynchronize(g_stream));
}
extern "C" void rv_cuda_memset0(void *dst, size_t bytes) {
    GD_CUDA_CHECK(cudaMemsetAsync(dst, 0, bytes, g_stream));
}

extern "C" void rv_cuda_device_name(char *buf, size_t cap) {
    cudaDeviceProp p;
    if (!g_ready || cudaGetDeviceProperties(&p, 0) != cudaSuccess) { if (cap) buf[0] = 0; return; }
    snprintf(buf, cap, "%s, %d SMs, %.1f GiB, cc %d.%d", p.name, p.multiProcessorCount,
             p.totalGlobalMem / 1073741824.0, p.major, p.minor);
}
