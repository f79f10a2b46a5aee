import torch, time
from torch.profiler import profile, ProfilerActivity
def steady(f, flops, seconds):
    f(); torch.cuda.synchronize()
    a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    a.record(); f(); b.record(); b.synchronize(); reps = max(1, int(20 / a.elapsed_time(b)))
    v, spent = [], 0.0
    while spent < seconds:
        a.record()
        for _ in range(reps): f()
        b.record(); b.synchronize(); ms = a.elapsed_time(b); spent += ms / 1e3; v.append(flops * reps / (ms / 1e3) / 1e12)
    v.sort(); return v[len(v) // 2]
g = torch.Generator(device="cuda"); g.manual_seed(1)
N = 8192
a = torch.rand((N, N), device="cuda", dtype=torch.float64, generator=g) * 2 - 1
b = torch.rand((N, N), device="cuda", dtype=torch.float64, generator=g) * 2 - 1
c = torch.empty_like(a)
f = lambda: torch.matmul(a, b, out=c)
steady(f, 2 * N**3, 3.0)
print(f"torch fp64 8192: {steady(f, 2 * N**3, 2.0):.1f} TF")
with profile(activities=[ProfilerActivity.CUDA]) as prof:
    f(); torch.cuda.synchronize()
print([e.key for e in prof.key_averages()])
del a, b, c
N = 16384
a = (torch.rand((N, N), device="cuda", generator=g) * 2 - 1).to(torch.float8_e4m3fn)
b = (torch.rand((N, N), device="cuda", generator=g) * 2 - 1).to(torch.float8_e4m3fn).t()
one = torch.tensor(1.0, device="cuda")
f = lambda: torch._scaled_mm(a, b, scale_a=one, scale_b=one, out_dtype=torch.bfloat16)
print(f"torch fp8 16384: {steady(f, 2 * N**3, 2.0):.1f} TF")
with profile(activities=[ProfilerActivity.CUDA]) as prof:
    f(); torch.cuda.synchronize()
print([e.key for e in prof.key_averages()])
