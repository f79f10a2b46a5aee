/* The direct peer of capbench's CPU GEMM for scripts/cpu_vs_peers.sh: cblas_dgemm of random
 * n x n matrices through the OpenBLAS it is linked with (OPENBLAS_CORETYPE picks the kernel,
 * as capbench's chosen one), one warm-up and R timed calls, printing each call's GFLOP/s.
 *   cpu_direct_dgemm N R [thp]
 * With "thp" the matrices are 2 MiB-aligned and advised MADV_HUGEPAGE before the first touch, as
 * capbench's are (bench/cpu/huge_page_memory.cpp); without it, plain malloc. */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double* matrix(size_t bytes, int thp) {
  if (!thp) return malloc(bytes);
  const size_t huge = (size_t)2 << 20, rounded = (bytes + huge - 1) / huge * huge;
  void* p = NULL;
  if (posix_memalign(&p, huge, rounded) != 0) return NULL;
  madvise(p, rounded, MADV_HUGEPAGE);
  return p;
}

int main(int argc, char** argv) {
  if (argc != 3 && !(argc == 4 && strcmp(argv[3], "thp") == 0)) {
    fprintf(stderr, "usage: cpu_direct_dgemm N REPS [thp]\n");
    return 2;
  }
  const int thp = argc == 4;
  const int n = atoi(argv[1]), reps = atoi(argv[2]);
  const size_t nn = (size_t)n * (size_t)n;
  double *a = matrix(nn * sizeof *a, thp), *b = matrix(nn * sizeof *b, thp), *c = matrix(nn * sizeof *c, thp);
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
