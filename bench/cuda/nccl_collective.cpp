// Collectives through NCCL: payloads generated on the device, outputs poisoned with NaN
// and compared exactly on the device, every wait bounded by the case's deadline.
#include <climits>
#include <cstring>

#include <fmt/format.h>

#include "bench/cuda/device_memory.hpp"
#include "bench/cuda/nccl_session.hpp"
#include "kernels/collective_expect.hpp"
#include "kernels/kernels.hpp"

namespace capbench {

namespace {

class NcclCollective final : public CollectiveImpl {
 public:
  explicit NcclCollective(std::shared_ptr<NcclSession> session) : s_(std::move(session)) {}
  ~NcclCollective() override { release(); }

  Support supports(Collective op, const std::string& dtype) const override {
    if (op == Collective::reduce || op == Collective::sendrecv) return Support::no("not measured by capbench");
    return dtype == "fp32" || dtype == "fp64" ? Support::yes() : Support::no("dtype " + dtype + " not supported");
  }

  void prepare(Collective op, const std::string& dtype, const CollectiveShape& shape, bool in_place,
               std::uint64_t seed) override {
    release();
    CUDA_CHECK(cudaSetDevice(s_->device().ordinal));
    if (op == Collective::alltoall && in_place)
      throw std::runtime_error("NCCL has no in-place alltoall (send and receive buffers must differ)");
    op_ = op;
    fp64_ = dtype == "fp64";
    shape_ = shape;
    in_place_ = in_place;
    // The same data seed on every rank, so each can compute what the others sent.
    seed_ = derive_seed(seed, std::uint64_t(shape.size_bytes), std::uint64_t(op));
    const std::size_t eb = fp64_ ? 8 : 4;
    if (in_place_) {
      buf_ = DeviceBuffer(eb * std::size_t(std::max(shape_.send_count, shape_.recv_count)));
    } else {
      send_ = DeviceBuffer(eb * std::size_t(shape_.send_count));
      buf_ = DeviceBuffer(eb * std::size_t(shape_.recv_count));
    }
    stream_ = std::make_unique<CudaStream>();
    comm_ = s_->comm();
    fill_inputs();
    CUDA_CHECK(cudaStreamSynchronize(stream_->get()));
  }

  double time_batch(int reps) override {
    CudaEvent start, stop;
    CUDA_CHECK(cudaEventRecord(start.get(), stream_->get()));
    for (int i = 0; i < reps; ++i) run_once();
    CUDA_CHECK(cudaEventRecord(stop.get(), stream_->get()));
    s_->wait_event(stop.get(), op_name());
    float ms = 0;
    CUDA_CHECK(cudaEventElapsedTime(&ms, start.get(), stop.get()));
    return double(ms) * 1e-3;
  }

  Verification verify() override {
    const cudaStream_t st = stream_->get();
    fill_inputs();
    run_once();
    DeviceBuffer counts(sizeof(kernels::CollectiveCheckCounts));
    const kernels::CollectiveCheckCounts init{0, ULLONG_MAX, 0};
    CUDA_CHECK(cudaMemcpyAsync(counts.get(), &init, sizeof init, cudaMemcpyHostToDevice, st));
    CUDA_CHECK(kernels::collective_check(fp64_, int(op_), output(), shape_.recv_count, seed_, s_->nranks(),
                                         s_->rank(), shape_.send_count, shape_.recv_count,
                                         counts.as<kernels::CollectiveCheckCounts>(), st));
    CudaEvent done;
    CUDA_CHECK(cudaEventRecord(done.get(), st));
    s_->wait_event(done.get(), op_name());
    kernels::CollectiveCheckCounts h{};
    CUDA_CHECK(cudaMemcpy(&h, counts.get(), sizeof h, cudaMemcpyDeviceToHost));

    Verification v;
    v.method = "exact-integer-inputs";
    v.mismatches = std::int64_t(h.mismatches);
    std::memcpy(&v.max_error, &h.worst_bits, sizeof(double));
    v.status = h.mismatches == 0 ? "passed" : "failed";
    if (h.mismatches > 0) {
      const auto i = std::int64_t(h.first_bad);
      double got = 0;
      const std::size_t eb = fp64_ ? 8 : 4;
      const auto* at = static_cast<const char*>(output()) + eb * std::size_t(i);
      if (fp64_) {
        CUDA_CHECK(cudaMemcpy(&got, at, sizeof got, cudaMemcpyDeviceToHost));
      } else {
        float f = 0;
        CUDA_CHECK(cudaMemcpy(&f, at, sizeof f, cudaMemcpyDeviceToHost));
        got = f;
      }
      v.detail = fmt::format("{} of {} elements wrong; first at {}: got {}, expected {}", h.mismatches,
                             shape_.recv_count, i, got,
                             collective_expected(op_, seed_, s_->nranks(), s_->rank(), shape_.send_count,
                                                 shape_.recv_count, i));
    }
    return v;
  }

  json info() const override {
    int version = 0;
    ncclGetVersion(&version);
    return {{"library", "NCCL"},
            {"nccl_version", version},
            {"nranks", s_->nranks()},
            {"in_place", in_place_},
            {"device", s_->device().describe()},
            {"alltoall_method", "ncclGroupStart + ncclSend/ncclRecv per peer"}};
  }

  void release() override {
    if (stream_) cudaStreamSynchronize(stream_->get());
    send_.reset();
    buf_.reset();
    stream_.reset();
  }

 private:
  const char* op_name() const { return collective_info(op_).key.data(); }
  ncclDataType_t type() const { return fp64_ ? ncclFloat64 : ncclFloat32; }
  std::size_t eb() const { return fp64_ ? 8 : 4; }
  char* at(const DeviceBuffer& b, std::int64_t elems) const { return b.as<char>() + eb() * std::size_t(elems); }

  // Where this rank's input and output live (NCCL's in-place conventions).
  void* input() const {
    if (!in_place_) return send_.get();
    if (op_ == Collective::all_gather) return at(buf_, s_->rank() * shape_.send_count);
    return buf_.get();
  }
  void* output() const {
    if (in_place_ && op_ == Collective::reduce_scatter) return at(buf_, s_->rank() * shape_.recv_count);
    return buf_.get();
  }

  void fill_inputs() {
    const cudaStream_t st = stream_->get();
    const auto et = fp64_ ? kernels::ElemType::f64 : kernels::ElemType::f32;
    // Poison the whole output first, so an element nobody wrote fails the check.
    const std::int64_t buf_elems = std::int64_t(buf_.bytes() / eb());
    CUDA_CHECK(kernels::fill_poison(et, buf_.get(), buf_elems, st));
    const int rank = s_->rank();
    switch (op_) {
      case Collective::broadcast:
        if (rank == 0) CUDA_CHECK(kernels::collective_fill(fp64_, input(), shape_.recv_count, seed_, 0, 0, st));
        break;
      default:
        CUDA_CHECK(kernels::collective_fill(fp64_, input(), shape_.send_count, seed_, rank, 0, st));
        break;
    }
  }

  void run_once() {
    const cudaStream_t st = stream_->get();
    switch (op_) {
      case Collective::all_reduce:
        s_->check(ncclAllReduce(input(), output(), std::size_t(shape_.recv_count), type(), ncclSum, comm_, st),
                  "ncclAllReduce");
        break;
      case Collective::all_gather:
        s_->check(ncclAllGather(input(), output(), std::size_t(shape_.send_count), type(), comm_, st),
                  "ncclAllGather");
        break;
      case Collective::reduce_scatter:
        s_->check(ncclReduceScatter(input(), output(), std::size_t(shape_.recv_count), type(), ncclSum, comm_, st),
                  "ncclReduceScatter");
        break;
      case Collective::broadcast:
        s_->check(ncclBroadcast(input(), output(), std::size_t(shape_.recv_count), type(), 0, comm_, st),
                  "ncclBroadcast");
        break;
      case Collective::alltoall: {
        const std::int64_t per_peer = shape_.send_count / s_->nranks();
        s_->check(ncclGroupStart(), "ncclGroupStart");
        for (int peer = 0; peer < s_->nranks(); ++peer) {
          s_->check(ncclSend(at(send_, peer * per_peer), std::size_t(per_peer), type(), peer, comm_, st), "ncclSend");
          s_->check(ncclRecv(at(buf_, peer * per_peer), std::size_t(per_peer), type(), peer, comm_, st), "ncclRecv");
        }
        s_->check(ncclGroupEnd(), "ncclGroupEnd (alltoall)");
        break;
      }
      default:
        throw std::runtime_error("collective not measured by capbench");
    }
  }

  std::shared_ptr<NcclSession> s_;
  ncclComm_t comm_ = nullptr;
  Collective op_ = Collective::all_reduce;
  bool fp64_ = false, in_place_ = false;
  CollectiveShape shape_;
  std::uint64_t seed_ = 0;
  DeviceBuffer send_, buf_;  // buf_ is the output (and, in place, the input too)
  std::unique_ptr<CudaStream> stream_;
};

}  // namespace

std::unique_ptr<CollectiveImpl> make_nccl_collective(std::shared_ptr<NcclSession> session) {
  return std::make_unique<NcclCollective>(std::move(session));
}

}  // namespace capbench
