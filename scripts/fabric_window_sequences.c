/* Both-ways windows between two ranks, in two sequences that differ in one thing only, run
 * interleaved in one program (scripts/fabric_vs_imb.sh runs it beside capbench and IMB):
 *
 *   back-to-back   each side posts its receives and its sends at once, waits for all of them,
 *                  rank 0 waits for rank 1's one-byte acknowledgement, and the next window
 *                  starts at once: IMB Biband's sequence (the two sides start each window one
 *                  acknowledgement apart). Total bytes over the time of all windows.
 *   synchronised   the same, but before each window's sends the two sides exchange a token
 *                  twice, so that both start sending within one message latency of each other:
 *                  capbench's sequence (bench/cpu/mpi_fabric.cpp). Total bytes over the sum of
 *                  the windows' times (token exchanges not timed).
 *
 * Both receive into one slot per message of the window, wait with MPI_Waitall and check the
 * first and last word of every message. Times are the larger of the two ranks'. Prints one
 * line per repetition: "back-to-back GB/s synchronised GB/s" (10^9 bytes of both directions).
 * Usage: fabric_window_sequences BYTES WINDOW WINDOWS REPETITIONS
 */
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static MPI_Comm comm;
static int me, peer;
static uint32_t* send_buf;
static uint32_t* slots;
static long words, window;
static long wrong;

static uint32_t word_of(int sender, long iteration, long index) {
  return (uint32_t)(0x9E3779B9u * (uint32_t)(sender + 1) ^ (uint32_t)(iteration * 2654435761u) ^ (uint32_t)index);
}

static void fill(long iteration) {
  send_buf[0] = word_of(me, iteration, 0);
  send_buf[words - 1] = word_of(me, iteration, words - 1);
}

static void check(long iteration) {
  for (long k = 0; k < window; ++k) {
    const uint32_t* m = slots + k * words;
    wrong += m[0] != word_of(peer, iteration, 0);
    wrong += m[words - 1] != word_of(peer, iteration, words - 1);
  }
}

/* One window both ways; `tokens` exchanges before the sends. Returns the window's time from
 * the first send to the acknowledgement (the whole window when tokens is 0). */
static double both_ways(long iteration, int tokens) {
  MPI_Request reqs[2 * 256];
  char ack = 0;
  int token = 1, token_in = 0;
  fill(iteration);
  for (long k = 0; k < window; ++k)
    MPI_Irecv(slots + k * words, (int)words, MPI_UINT32_T, peer, 1, comm, &reqs[k]);
  for (int x = 0; x < tokens; ++x)
    MPI_Sendrecv(&token, 1, MPI_INT, peer, 3, &token_in, 1, MPI_INT, peer, 3, comm, MPI_STATUS_IGNORE);
  const double t0 = MPI_Wtime();
  for (long k = 0; k < window; ++k)
    MPI_Isend(send_buf, (int)words, MPI_UINT32_T, peer, 1, comm, &reqs[window + k]);
  MPI_Waitall((int)(2 * window), reqs, MPI_STATUSES_IGNORE);
  if (me == 0) MPI_Recv(&ack, 1, MPI_CHAR, peer, 2, comm, MPI_STATUS_IGNORE);
  else MPI_Send(&ack, 1, MPI_CHAR, peer, 2, comm);
  const double t = MPI_Wtime() - t0;
  check(iteration);
  return t;
}

static double rate(double seconds, long windows) {
  double slowest = 0;
  MPI_Allreduce(&seconds, &slowest, 1, MPI_DOUBLE, MPI_MAX, comm);
  return 2.0 * (double)window * (double)words * 4.0 * (double)windows / slowest / 1e9;
}

static double back_to_back(long windows, long* iteration) {
  for (int w = 0; w < 2; ++w) both_ways((*iteration)++, 0);
  MPI_Barrier(comm);
  const double t1 = MPI_Wtime();
  for (long i = 0; i < windows; ++i) both_ways((*iteration)++, 0);
  return rate(MPI_Wtime() - t1, windows);
}

static double synchronised(long windows, long* iteration) {
  for (int w = 0; w < 2; ++w) both_ways((*iteration)++, 2);
  MPI_Barrier(comm);
  double total = 0;
  for (long i = 0; i < windows; ++i) total += both_ways((*iteration)++, 2);
  return rate(total, windows);
}

static int usage_error(const char* why) {
  if (me == 0)
    fprintf(stderr, "usage: mpirun -np 2 fabric_window_sequences BYTES WINDOW WINDOWS REPETITIONS (%s)\n", why);
  MPI_Finalize();
  return 2;
}

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  comm = MPI_COMM_WORLD;
  int size = 0;
  MPI_Comm_size(comm, &size);
  MPI_Comm_rank(comm, &me);
  // Every rank sees the same arguments, so every rank refuses them and ends normally: an
  // MPI_Abort from one rank could kill rank 0 before its usage line is written.
  if (argc != 5 || size != 2) return usage_error("expected 4 arguments and 2 ranks");
  words = atol(argv[1]) / 4;
  window = atol(argv[2]);
  const long windows = atol(argv[3]), reps = atol(argv[4]);
  if (words < 2 || window < 1 || window > 256 || windows < 1 || reps < 1)
    return usage_error("BYTES >= 8, 1 <= WINDOW <= 256, WINDOWS >= 1, REPETITIONS >= 1");
  peer = 1 - me;
  send_buf = calloc((size_t)words, 4);
  slots = calloc((size_t)(words * window), 4);
  if (!send_buf || !slots) MPI_Abort(comm, 1);
  memset(slots, 0xff, (size_t)(words * window) * 4);
  long iteration = 0;
  for (long r = 0; r < reps; ++r) {
    const double b = back_to_back(windows, &iteration);
    const double s = synchronised(windows, &iteration);
    if (me == 0) printf("%.4f %.4f\n", b, s);
  }
  long wrong_all = 0;
  MPI_Allreduce(&wrong, &wrong_all, 1, MPI_LONG, MPI_SUM, comm);
  if (me == 0 && wrong_all) fprintf(stderr, "fabric_window_sequences: %ld words received wrong\n", wrong_all);
  MPI_Finalize();
  return wrong_all ? 1 : 0;
}
