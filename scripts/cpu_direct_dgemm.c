/* The direct peer of capbench's CPU GEMM for scripts/cpu_vs_peers.sh: cblas_dgemm of random
 * n x n matrices through the OpenBLAS it is linked with (OPENBLAS_CORETYPE picks the kernel,
 * as capbench's chosen one), one warm-up and R timed calls, printing each call's GFLOP/s.
 *   cpu_direct_dgemm N R */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: cpu_direct_dgemm N REPS\n");
    return 2;
  }
  const int n = atoi(argv[1]), reps = atoi(argv[2]);
  const size_t nn = (size_t)n * (size_t)n;
  double *a = malloc(nn * sizeof *a), *b = malloc(nn * sizeof *b), *c = malloc(nn * sizeof *c);
  if (!a || !b || !c) return 1;
  srand48(42);
  for (size_t i = 0; i < nn; ++i) {
    a[i] = 2 * drand48() - 1;
    b[i] = 2 * drand48() - 1;
    c[i] = 0;
  }
  cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0, a, n, b, n, 0.0, c, n);
  printf("core %s\n", openblas_get_corename());
  for (int r = 0; r < reps; ++r) {
    const double t0 = now();
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0, a, n, b, n, 0.0, c, n);
    printf("gflops %.3f\n", 2.0 * n * (double)n * n / (now() - t0) / 1e9);
  }
  free(a);
  free(b);
  free(c);
  return 0;
}
