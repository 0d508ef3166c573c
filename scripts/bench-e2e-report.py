#!/usr/bin/env python3
"""Summarises scripts/bench-e2e.sh's raw CSV: medians per cell, ratios, gnuplot scripts and the Markdown block.

   bench-e2e-report.py RAW_CSV OUT_DIR MACHINE COMMAND START_TS LOAD_START LOAD_END ROUNDS SECONDS

Writes into OUT_DIR: e2e-summary.csv, e2e-ratios.csv, e2e-<request>.dat (for gnuplot), e2e-rps.gp, e2e-p99.gp
(which make e2e-rps.png and e2e-p99.png when gnuplot runs in OUT_DIR) and e2e-section.md.
"""
import csv
import os
import statistics
import sys

PATHS = ("vnic-signer", "nginx", "haproxy")
REQUESTS = (("get", "small GET"), ("put", "64 KiB PUT"))


def main():
    raw, out, machine, command, start_ts, load_start, load_end, rounds, seconds = sys.argv[1:10]
    rows = list(csv.DictReader(open(raw)))
    conns = sorted({int(r["connections"]) for r in rows})

    def cell(req, c, path):
        rs = [r for r in rows if r["request"] == req and int(r["connections"]) == c and r["path"] == path]
        if not rs:
            return None
        med = lambda k: statistics.median(float(r[k]) for r in rs)
        total = lambda k: sum(int(r[k]) for r in rs)
        return {
            "rounds": len(rs), "rps": med("req_per_s"), "p50": med("p50_us"), "p99": med("p99_us"),
            "p999": med("p999_us"), "cpu": med("cpu_s_per_1k_req"), "up": med("upstream_cpu_share"), "uc": med("upstream_conns_per_1k_req"), "non2xx": total("non_2xx"),
            "sock": total("socket_errors"), "timeouts": total("timeouts"),
            "rps_min": min(float(r["req_per_s"]) for r in rs), "rps_max": max(float(r["req_per_s"]) for r in rs),
        }

    cells = {(q, c, p): cell(q, c, p) for q, _ in REQUESTS for c in conns for p in PATHS}

    with open(os.path.join(out, "e2e-summary.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["request", "connections", "path", "rounds", "median_req_per_s", "min_req_per_s",
                    "max_req_per_s", "median_p50_us", "median_p99_us", "median_p999_us",
                    "median_cpu_s_per_1k_req", "median_upstream_cpu_share", "median_upstream_conns_per_1k_req", "total_non_2xx", "total_socket_errors", "total_timeouts"])
        for (q, c, p), s in cells.items():
            if s:
                w.writerow([q, c, p, s["rounds"], f"{s['rps']:.0f}", f"{s['rps_min']:.0f}", f"{s['rps_max']:.0f}",
                            f"{s['p50']:.0f}", f"{s['p99']:.0f}", f"{s['p999']:.0f}", f"{s['cpu']:.4f}", f"{s['up']:.2f}", f"{s['uc']:.2f}",
                            s["non2xx"], s["sock"], s["timeouts"]])

    def ratio(a, b):
        return a / b if a is not None and b else float("nan")

    ratios = []
    for q, _ in REQUESTS:
        for c in conns:
            s, n, h = (cells[(q, c, p)] for p in PATHS)
            if not (s and n and h):
                continue
            ratios.append((q, c, ratio(s["rps"], n["rps"]), ratio(s["rps"], h["rps"]), ratio(s["p99"], n["p99"]),
                           ratio(s["p99"], h["p99"]), ratio(s["cpu"], n["cpu"]), ratio(s["cpu"], h["cpu"])))
    with open(os.path.join(out, "e2e-ratios.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["request", "connections", "req_per_s_signer_over_nginx", "req_per_s_signer_over_haproxy",
                    "p99_signer_over_nginx", "p99_signer_over_haproxy", "cpu_per_req_signer_over_nginx",
                    "cpu_per_req_signer_over_haproxy"])
        for r in ratios:
            w.writerow([r[0], r[1]] + [f"{x:.3f}" for x in r[2:]])

    for q, _ in REQUESTS:
        with open(os.path.join(out, f"e2e-{q}.dat"), "w") as f:
            f.write("# connections " + " ".join(f"rps_{p} p99ms_{p}" for p in PATHS) + "\n")
            for c in conns:
                vals = []
                for p in PATHS:
                    s = cells[(q, c, p)]
                    vals += [f"{s['rps']:.0f}", f"{s['p99'] / 1000:.3f}"] if s else ["NaN", "NaN"]
                f.write(f"{c} " + " ".join(vals) + "\n")

    def plot(name, title, ylabel, col, logy):
        lines = [
            "set terminal pngcairo size 1100,450 font ',10'",
            f"set output '{name}.png'",
            "set multiplot layout 1,2 title '" + title + "'",
            "set logscale x 2", "set xlabel 'connections (wrk, keep-alive)'", f"set ylabel '{ylabel}'",
            "set key top left", "set grid",
            f"set xtics ({', '.join(str(c) for c in conns)})",
            f"set xrange [{min(conns) / 1.3}:{max(conns) * 1.3}]",
        ]
        if logy:
            lines.append("set logscale y")
        else:
            lines.append("set yrange [0:*]")
        for q, label in REQUESTS:
            lines.append(f"set title '{label}'")
            series = ", ".join(
                f"'e2e-{q}.dat' using 1:{2 + 2 * i + col} with linespoints lw 2 pt 7 title '{p}'"
                for i, p in enumerate(PATHS))
            lines.append("plot " + series)
        lines.append("unset multiplot")
        open(os.path.join(out, f"{name}.gp"), "w").write("\n".join(lines) + "\n")

    plot("e2e-rps", "req/s by path (median of rounds; higher is better)", "requests per second", 0, False)
    plot("e2e-p99", "p99 latency by path (median of rounds; lower is better)", "p99 latency (ms)", 1, True)

    ms = lambda us: f"{us / 1000:.2f}"
    md = ["<!-- e2e:begin (generated by scripts/bench-e2e.sh; edit the script, not this block) -->",
          f"Command: `{command}`. Run at {start_ts} on {machine}.",
          f"Each cell is the median of {rounds} rounds of {seconds} s (the three paths alternate, in a rotating "
          f"order, within each round, after a warm-up of every path). Load average (1, 5, 15 min) at the start: "
          f"{load_start}; at the end: {load_end}. Raw data: `docs/bench-data/e2e-raw.csv`; medians: "
          "`e2e-summary.csv`; ratios: `e2e-ratios.csv`; the daemon's counters after the run: "
          "`e2e-counters.txt`. CPU s / 1k req is the proxy's own CPU time (the JVM; nginx's master and workers; "
          "haproxy) per 1,000 requests; upstream CPU is the common upstream nginx's CPU time per second of the run "
          "(1.00 = one core busy), to show whether the upstream was close to saturation; upstream conns / 1k req is how many TCP connections "
          "the path opened to the upstream per 1,000 requests (from the upstream's `stub_status`; 0 when its "
          "keep-alive pool holds).", ""]
    for q, label in REQUESTS:
        md += [f"**{label}**", "",
               "| connections | path | req/s (min–max) | p50 ms | p99 ms | p99.9 ms | CPU s / 1k req | upstream CPU | upstream conns / 1k req | non-2xx | socket errors |",
               "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for c in conns:
            for p in PATHS:
                s = cells[(q, c, p)]
                if s:
                    md.append(f"| {c} | {p} | {s['rps']:,.0f} ({s['rps_min']:,.0f}–{s['rps_max']:,.0f}) | "
                              f"{ms(s['p50'])} | {ms(s['p99'])} | {ms(s['p999'])} | {s['cpu']:.3f} | "
                              f"{s['up']:.2f} | {s['uc']:.1f} | {s['non2xx']} | {s['sock'] + s['timeouts']} |")
        md.append("")
    md += ["**Ratios** (vnic-signer ÷ peer; req/s above 1 is better, p99 and CPU per request below 1 are better)",
           "",
           "| request | connections | req/s ÷ nginx | req/s ÷ haproxy | p99 ÷ nginx | p99 ÷ haproxy | CPU/req ÷ nginx | CPU/req ÷ haproxy |",
           "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in ratios:
        md.append(f"| {r[0].upper()} | {r[1]} | " + " | ".join(f"{x:.2f}" for x in r[2:]) + " |")
    md += ["", "![req/s by path](bench-data/e2e-rps.png)", "", "![p99 by path](bench-data/e2e-p99.png)",
           "<!-- e2e:end -->"]
    open(os.path.join(out, "e2e-section.md"), "w").write("\n".join(md) + "\n")


if __name__ == "__main__":
    main()
