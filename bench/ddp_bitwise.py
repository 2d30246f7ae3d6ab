"""Does PyTorch's DDP give one process's gradient, bit for bit? (docs/mpi.md)

Computes the gradient of a mean-squared-error loss of a 64-input linear model on N points in one
process, then with DistributedDataParallel (gloo, CPU) on 2 processes holding N/2 points each,
and prints how many gradient components differ and the largest difference.
Run: /usr/bin/python3 bench/ddp_bitwise.py [N]
"""
import os
import sys
import tempfile

import torch
import torch.distributed as dist
import torch.multiprocessing as mp

N = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
FEATURES = 64


def data():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(N, FEATURES, generator=g, dtype=torch.float32)
    y = x @ torch.linspace(-1, 1, FEATURES) + 0.1 * torch.randn(N, generator=g)
    return x, y


def model():
    torch.manual_seed(1)
    return torch.nn.Linear(FEATURES, 1)


def gradient(m, x, y):
    m.zero_grad()
    torch.nn.functional.mse_loss(m(x).squeeze(1), y).backward()
    return torch.cat([p.grad.flatten() for p in m.parameters()])


def rank_main(rank, world, path):
    os.environ["MASTER_ADDR"] = "127.0.0.1"
    os.environ["MASTER_PORT"] = "29517"
    dist.init_process_group("gloo", rank=rank, world_size=world)
    torch.set_num_threads(1)
    x, y = data()
    lo, hi = N * rank // world, N * (rank + 1) // world
    ddp = torch.nn.parallel.DistributedDataParallel(model())
    g = gradient(ddp, x[lo:hi], y[lo:hi])  # DDP averages the ranks' gradients
    if rank == 0:
        torch.save(g, path)
    dist.destroy_process_group()


if __name__ == "__main__":
    torch.set_num_threads(1)
    x, y = data()
    alone = gradient(model(), x, y)
    path = os.path.join(tempfile.mkdtemp(), "ddp_gradient.pt")
    mp.spawn(rank_main, args=(2, path), nprocs=2, join=True)
    ddp = torch.load(path)
    differ = (alone != ddp).sum().item()
    print(f"torch {torch.__version__}, N = {N}, {FEATURES + 1} gradient components: "
          f"{differ} differ between 1 process and 2-process DDP (gloo); largest difference "
          f"{(alone - ddp).abs().max().item():.3g}, largest relative "
          f"{((alone - ddp).abs() / alone.abs()).max().item():.3g}")
