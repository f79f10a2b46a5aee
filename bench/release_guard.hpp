#pragma once
// Releases a benchmark implementation's buffers (host or device) however its case ends: after
// the last sample, a failed check, a timeout or an exception. A release that throws is ignored,
// so the case's own error is the one recorded.
namespace capbench {

template <class Impl>
struct ReleaseGuard {
  Impl& impl;
  ~ReleaseGuard() {
    try {
      impl.release();
    } catch (...) {
    }
  }
};

}  // namespace capbench
