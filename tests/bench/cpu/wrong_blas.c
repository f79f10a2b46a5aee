/* A BLAS that answers fast and wrong: cblas_dgemm and cblas_sgemm write C = 1 everywhere.
 * tests/bench/cpu/blas_selection_test.sh offers it to capbench as a candidate kernel
 * (CAPBENCH_BLAS_CANDIDATES); being the fastest, it must still be refused by Freivalds' check. */
void cblas_dgemm(int order, int ta, int tb, int m, int n, int k, double alpha, const double* a, int lda,
                 const double* b, int ldb, double beta, double* c, int ldc) {
  (void)order, (void)ta, (void)tb, (void)k, (void)alpha, (void)a, (void)lda, (void)b, (void)ldb, (void)beta;
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < m; ++i) c[i + (long)j * ldc] = 1.0;
}
void cblas_sgemm(int order, int ta, int tb, int m, int n, int k, float alpha, const float* a, int lda,
                 const float* b, int ldb, float beta, float* c, int ldc) {
  (void)order, (void)ta, (void)tb, (void)k, (void)alpha, (void)a, (void)lda, (void)b, (void)ldb, (void)beta;
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < m; ++i) c[i + (long)j * ldc] = 1.0f;
}
