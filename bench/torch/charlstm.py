"""PyTorch reference of Understudy's character LSTM, for `npm run bench` (--vs-torch, --base-reference).

The same model and recipe as src-main/engine (see ../shared/reference/ for the recipe text):
Embedding(vocab, E) -> LSTM(H) x L -> Linear(vocab), PyTorch default initialisation, Adam (0.9, 0.999,
1e-8) with global-norm clipping, random windows of seqLen + 1 characters from the training split.
The split is Understudy's: each file gives its first 90% to training and its last 10% to validation;
training windows never cross a file; validation is the mean loss over every validation character, in
non-overlapping windows of seqLen (a shorter last window per file), each from a zero state.

Prints one JSON object on stdout. Two modes:
  --steps N --eval-every K   train N steps, evaluate on the validation split every K steps (the curve)
  --time-steps N             time N training steps and N sampled characters (chars/s), no evaluation
"""

import argparse
import json
import math
import sys
import time

import torch
from torch import nn

TRAIN_FRACTION = 0.9


class CharLstm(nn.Module):
    def __init__(self, vocab: int, embedding: int, hidden: int, layers: int):
        super().__init__()
        self.embed = nn.Embedding(vocab, embedding)
        self.lstm = nn.LSTM(embedding, hidden, num_layers=layers, batch_first=True)
        self.out = nn.Linear(hidden, vocab)

    def forward(self, x, state=None):
        h, state = self.lstm(self.embed(x), state)
        return self.out(h), state


def load(files):
    texts = [open(f, encoding="utf-8").read() for f in files]
    chars = sorted(set("".join(texts)))
    index = {c: i for i, c in enumerate(chars)}
    docs = [torch.tensor([index[c] for c in t], dtype=torch.long) for t in texts]
    train = [d[: math.floor(len(d) * TRAIN_FRACTION)] for d in docs]
    val = [d[math.floor(len(d) * TRAIN_FRACTION) :] for d in docs]
    return chars, train, val


def sample_batch(train, starts, total, batch, seq, gen):
    ks = torch.randint(total, (batch,), generator=gen).tolist()
    xs, ys = [], []
    for k in ks:
        doc = 0
        while k >= starts[doc]:
            doc += 1
        k -= starts[doc - 1] if doc > 0 else 0
        window = train[doc][k : k + seq + 1]
        xs.append(window[:-1])
        ys.append(window[1:])
    return torch.stack(xs), torch.stack(ys)


@torch.no_grad()
def validate(model, val, seq, batch):
    by_length = {}
    for doc in val:
        for start in range(0, len(doc) - 1, seq):
            window = doc[start : min(len(doc), start + seq + 1)]
            by_length.setdefault(len(window) - 1, []).append(window)
    total, count = 0.0, 0
    for length, windows in by_length.items():
        for first in range(0, len(windows), batch * 8):
            group = torch.stack(windows[first : first + batch * 8])
            logits, _ = model(group[:, :-1])
            loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), group[:, 1:].reshape(-1), reduction="sum")
            total += loss.item()
            count += group.shape[0] * length
    return total / count


def main():
    p = argparse.ArgumentParser()
    p.add_argument("files", nargs="+")
    p.add_argument("--embedding", type=int, default=64)
    p.add_argument("--hidden", type=int, default=256)
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--seq", type=int, default=100)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--clip", type=float, default=5.0)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--steps", type=int, default=0)
    p.add_argument("--eval-every", type=int, default=500)
    p.add_argument("--time-steps", type=int, default=0)
    a = p.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    gen = torch.Generator().manual_seed(a.seed)
    chars, train, val = load(a.files)
    starts, total = [], 0
    for d in train:
        total += max(0, len(d) - a.seq)
        starts.append(total)
    model = CharLstm(len(chars), a.embedding, a.hidden, a.layers)
    opt = torch.optim.Adam(model.parameters(), lr=a.lr, betas=(0.9, 0.999), eps=1e-8)

    def step():
        x, y = sample_batch(train, starts, total, a.batch, a.seq, gen)
        logits, _ = model(x)
        loss = nn.functional.cross_entropy(logits.reshape(-1, len(chars)), y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), a.clip)
        opt.step()
        return loss.item()

    result = {
        "framework": f"PyTorch {torch.__version__}",
        "threads": a.threads,
        "model": f"{a.layers}x{a.hidden}",
        "embedding": a.embedding,
        "batch": a.batch,
        "seqLen": a.seq,
        "vocab": len(chars),
        "trainChars": sum(len(d) for d in train),
        "valChars": sum(len(d) for d in val),
    }
    if a.time_steps > 0:
        step()  # warm-up
        started = time.perf_counter()
        for _ in range(a.time_steps):
            step()
        seconds = time.perf_counter() - started
        result["trainCharsPerSecond"] = a.time_steps * a.batch * a.seq / seconds
        with torch.no_grad():
            x = torch.zeros((1, 1), dtype=torch.long)
            state = None
            count = a.time_steps * 20
            started = time.perf_counter()
            for _ in range(count):
                logits, state = model(x, state)
                x = torch.multinomial(torch.softmax(logits[0, -1], -1), 1, generator=gen).reshape(1, 1)
            result["sampleCharsPerSecond"] = count / (time.perf_counter() - started)
    else:
        curve, losses = [], []
        started = time.perf_counter()
        for s in range(1, a.steps + 1):
            losses.append(step())
            if s % a.eval_every == 0 or s == a.steps:
                curve.append({"step": s, "trainLoss": sum(losses) / len(losses), "valNatsPerChar": validate(model, val, a.seq, a.batch), "seconds": time.perf_counter() - started})
                losses = []
                print(json.dumps(curve[-1]), file=sys.stderr, flush=True)
        result["curve"] = curve
    print(json.dumps(result))


if __name__ == "__main__":
    main()
