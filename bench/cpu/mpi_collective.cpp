// Collectives through MPI (CPU backend).
#include <mpi.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <vector>

#include <fmt/format.h>

#include "bench/cpu/cpu_backend.hpp"
#include "common/collective_data.hpp"

namespace capbench {

namespace {

class MpiCollective final : public CollectiveImpl {
 public:
  explicit MpiCollective(const Comm& comm) : rank_(comm.rank()), n_(comm.size()) {}

  Support supports(Collective op, const std::string& dtype) const override {
    if (op == Collective::reduce || op == Collective::sendrecv) return Support::no("not measured by capbench");
    return dtype == "fp32" || dtype == "fp64" ? Support::yes() : Support::no("dtype " + dtype + " not supported");
  }

  void prepare(Collective op, const std::string& dtype, const CollectiveShape& shape, bool in_place,
               std::uint64_t seed) override {
    op_ = op;
    fp64_ = dtype == "fp64";
    shape_ = shape;
    in_place_ = in_place;
    // Every rank must compute every other rank's inputs, so the data seed is the case seed
    // shared by all ranks (the runner passes the same one to each) mixed with the shape.
    seed_ = derive_seed(seed, std::uint64_t(shape.size_bytes), std::uint64_t(op));
    if (fp64_)
      alloc(d_send_, d_recv_);
    else
      alloc(f_send_, f_recv_);
    fill_inputs();
  }

  double time_batch(int reps) override {
    const double t0 = MPI_Wtime();
    for (int i = 0; i < reps; ++i) run_once();
    return MPI_Wtime() - t0;
  }

  Verification verify() override {
    fill_inputs();
    run_once();
    return fp64_ ? check(d_recv_, d_send_) : check(f_recv_, f_send_);
  }

  json info() const override { return {{"library", "MPI"}, {"mpi", Comm::library_version()}}; }

  void release() override {
    d_send_ = {}; d_recv_ = {};
    f_send_ = {}; f_recv_ = {};
  }

 private:
  template <class T>
  void alloc(std::vector<T>& send, std::vector<T>& recv) {
    send.assign(static_cast<std::size_t>(shape_.send_count), T(0));
    recv.assign(static_cast<std::size_t>(shape_.recv_count), T(0));
  }

  // In-place operations read their input from the output buffer, where MPI expects it.
  template <class T>
  void fill(std::vector<T>& send, std::vector<T>& recv) {
    const T nan = std::numeric_limits<T>::quiet_NaN();
    std::fill(recv.begin(), recv.end(), nan);  // poison: an element nobody wrote fails the check
    const std::int64_t c = shape_.recv_count / (op_ == Collective::all_gather ? n_ : 1);
    switch (op_) {
      case Collective::all_reduce:
      case Collective::reduce_scatter:
      case Collective::alltoall:
        for (std::int64_t i = 0; i < shape_.send_count; ++i)
          (in_place_ && op_ != Collective::reduce_scatter ? recv : send)[std::size_t(i)] =
              T(collective_input(seed_, rank_, i));
        if (in_place_ && op_ == Collective::reduce_scatter) {
          in_place_buffer_rs(send, recv);
        }
        break;
      case Collective::all_gather:
        for (std::int64_t i = 0; i < c; ++i) {
          const T v = T(collective_input(seed_, rank_, i));
          if (in_place_)
            recv[std::size_t(rank_ * c + i)] = v;
          else
            send[std::size_t(i)] = v;
        }
        break;
      case Collective::broadcast:
        if (rank_ == 0)
          for (std::int64_t i = 0; i < shape_.recv_count; ++i) recv[std::size_t(i)] = T(collective_input(seed_, 0, i));
        break;
      default:
        break;
    }
  }

  // In-place reduce_scatter needs the full input in the receive buffer.
  template <class T>
  void in_place_buffer_rs(std::vector<T>& send, std::vector<T>& recv) {
    recv.assign(send.size(), T(0));
    for (std::int64_t i = 0; i < shape_.send_count; ++i) recv[std::size_t(i)] = T(collective_input(seed_, rank_, i));
  }

  void fill_inputs() {
    if (fp64_)
      fill(d_send_, d_recv_);
    else
      fill(f_send_, f_recv_);
  }

  template <class T>
  void run_typed(std::vector<T>& send, std::vector<T>& recv) {
    const MPI_Datatype t = fp64_ ? MPI_DOUBLE : MPI_FLOAT;
    void* sbuf = in_place_ ? MPI_IN_PLACE : static_cast<void*>(send.data());
    switch (op_) {
      case Collective::all_reduce:
        MPI_Allreduce(sbuf, recv.data(), int(shape_.recv_count), t, MPI_SUM, MPI_COMM_WORLD);
        break;
      case Collective::all_gather:
        MPI_Allgather(in_place_ ? MPI_IN_PLACE : send.data(), int(shape_.send_count), t, recv.data(),
                      int(shape_.send_count), t, MPI_COMM_WORLD);
        break;
      case Collective::reduce_scatter:
        MPI_Reduce_scatter_block(sbuf, recv.data(), int(shape_.recv_count), t, MPI_SUM, MPI_COMM_WORLD);
        break;
      case Collective::alltoall:
        MPI_Alltoall(sbuf, int(shape_.send_count / n_), t, recv.data(), int(shape_.recv_count / n_), t,
                     MPI_COMM_WORLD);
        break;
      case Collective::broadcast:
        MPI_Bcast(recv.data(), int(shape_.recv_count), t, 0, MPI_COMM_WORLD);
        break;
      default:
        break;
    }
  }

  void run_once() {
    if (fp64_)
      run_typed(d_send_, d_recv_);
    else
      run_typed(f_send_, f_recv_);
  }

  double expected(std::int64_t i) const {
    switch (op_) {
      case Collective::all_reduce: return collective_sum(seed_, n_, i);
      case Collective::reduce_scatter: return collective_sum(seed_, n_, rank_ * shape_.recv_count + i);
      case Collective::all_gather: {
        const std::int64_t c = shape_.send_count;
        return collective_input(seed_, int(i / c), i % c);
      }
      case Collective::alltoall: {
        const std::int64_t c = shape_.recv_count / n_;
        return collective_input(seed_, int(i / c), rank_ * c + i % c);
      }
      case Collective::broadcast: return collective_input(seed_, 0, i);
      default: return 0;
    }
  }

  template <class T>
  Verification check(const std::vector<T>& recv, const std::vector<T>& /*send*/) const {
    Verification v;
    v.method = "exact-integer-inputs";
    std::int64_t first_bad = -1;
    for (std::int64_t i = 0; i < shape_.recv_count; ++i) {
      const double got = double(recv[std::size_t(i)]);
      const double want = expected(i);
      if (!(got == want)) {
        if (first_bad < 0) first_bad = i;
        ++v.mismatches;
        v.max_error = std::max(v.max_error, std::isfinite(got) ? std::fabs(got - want) : 1e300);
      }
    }
    v.status = v.mismatches == 0 ? "passed" : "failed";
    if (first_bad >= 0)
      v.detail = fmt::format("{} of {} elements wrong; first at {}: got {}, expected {}", v.mismatches,
                             shape_.recv_count, first_bad, double(recv[std::size_t(first_bad)]), expected(first_bad));
    return v;
  }

  int rank_, n_;
  Collective op_ = Collective::all_reduce;
  bool fp64_ = false, in_place_ = false;
  CollectiveShape shape_;
  std::uint64_t seed_ = 0;
  std::vector<double> d_send_, d_recv_;
  std::vector<float> f_send_, f_recv_;
};

}  // namespace

std::unique_ptr<CollectiveImpl> make_mpi_collective(const Comm& comm) { return std::make_unique<MpiCollective>(comm); }

}  // namespace capbench
