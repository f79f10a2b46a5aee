#pragma once
// The storage family: IOR-style bandwidth phases (easy: a file per rank, large sequential
// transfers; hard: one shared file, small interleaved transfers, POSIX or MPI-IO) and
// mdtest-style metadata phases, on a directory every rank sees. Storage I/O is host-side:
// the CPU and CUDA backends both return this one implementation. docs/methodology.md.
#include <memory>

#include "bench/backend.hpp"

namespace capbench {

std::unique_ptr<Benchmark> make_storage_benchmark();

}  // namespace capbench
