"""How many argon2 verifications per second the product's hasher does here (run pinned to
the server's core, with as many threads as the portal lets hash at once)."""

from __future__ import annotations

import argparse
import json
import threading
import time

from clico_adapters.passwords import Argon2Hasher


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    hasher = Argon2Hasher()  # the product's default parameters
    stored = hasher.hash("bench password 1234")
    hasher.verify(stored, "bench password 1234")
    done = [0] * args.threads
    deadline = time.perf_counter() + args.seconds

    def work(index: int) -> None:
        while time.perf_counter() < deadline:
            hasher.verify(stored, "bench password 1234")
            done[index] += 1

    started = time.perf_counter()
    workers = [threading.Thread(target=work, args=(i,)) for i in range(args.threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    print(json.dumps({"verifies": sum(done), "seconds": round(elapsed, 3),
                      "verifies_per_s": round(sum(done) / elapsed, 2),
                      "threads": args.threads}))


if __name__ == "__main__":
    main()
