# pybundle benchmarks: CPython's own C marshal.loads over the same .pyc bytes
# the JS contenders read, timed the way benchmarks/src/harness.ts times: a
# warm-up, then samples that each batch whole operations, ns per operation.
#
# stdin:  {"files": [...], "warmupMs", "sampleMs", "rounds", "budgetMs", "minRounds"}
# One operation = marshal.loads of every file's code object (header skipped),
# bytes already in memory. stdout: {"samples": [ns/op], "opsPerSample", "bytes",
# "python": "3.11.7"}
import sys
import json
import time
import marshal
import gc


def main():
    req = json.load(sys.stdin)
    blobs = []
    for f in req['files']:
        with open(f, 'rb') as fh:
            blobs.append(fh.read()[16:])
    loads = marshal.loads

    def op():
        for b in blobs:
            loads(b)

    ns = time.perf_counter_ns
    warm = req.get('warmupMs', 200) * 1e6
    t0 = ns()
    n = 0
    last = 0
    while n < 2 or ns() - t0 < warm:
        a = ns()
        op()
        last = ns() - a
        n += 1
    per = max((ns() - t0) / n, last, 1)
    k = max(1, round(req.get('sampleMs', 20) * 1e6 / per))
    samples = []
    budget = req.get('budgetMs', 10000) * 1e6
    min_rounds = req.get('minRounds', 5)
    start = ns()
    for r in range(req.get('rounds', 21)):
        gc.collect()
        a = ns()
        for _ in range(k):
            op()
        samples.append((ns() - a) / k)
        if r + 1 >= min_rounds and ns() - start > budget:
            break
    json.dump({
        'samples': samples,
        'opsPerSample': k,
        'bytes': sum(len(b) for b in blobs),
        'python': '.'.join(map(str, sys.version_info[:3])),
    }, sys.stdout)


if __name__ == '__main__':
    main()
