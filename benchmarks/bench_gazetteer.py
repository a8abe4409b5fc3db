"""Gazetteer: cold open + first lookup (in a fresh process), and lookups per second."""

import statistics
import subprocess
import sys
import time

CODE = ("import time; t=time.perf_counter(); from gazetteer import Gazetteer; "
        "g=Gazetteer.default(); g.lookup('Graivoron'); print(time.perf_counter()-t)")


def main() -> None:
    cold = [float(subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True).stdout)
            for _ in range(5)]
    print(f"open + first lookup (fresh process, incl. import): median {statistics.median(cold) * 1000:.1f} ms")
    from gazetteer import Gazetteer

    g = Gazetteer.default()
    names = ["Grayvoron", "Graivoron", "Kozinka", "Glotovo", "Kharkov", "Belgorod region", "Волчанск",
             "Tetkino", "Sumy", "Popasna", "Shebekino", "Kupiansk", "Lyptsi", "Izium"] * 50
    t = time.perf_counter()
    for n in names:
        g.lookup(n, fuzzy=False)
    dt = time.perf_counter() - t
    print(f"exact/folded lookups: {len(names) / dt:,.0f} /s (warm cache, {len(names)} lookups)")
    t = time.perf_counter()
    fresh = Gazetteer(g.path)
    for n in names[:14]:
        fresh.lookup(n, fuzzy=False)
    print(f"first-time lookups (cold cache): {14 / (time.perf_counter() - t):,.0f} /s")
    t = time.perf_counter()
    for n in ["Popasana", "Malaya Rohan", "Grayvorn", "Kozynka"]:
        g.lookup(n)
    print(f"fuzzy lookups: {4 / (time.perf_counter() - t):,.1f} /s (first one loads a bucket)")


if __name__ == "__main__":
    main()
