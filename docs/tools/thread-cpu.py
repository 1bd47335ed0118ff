#!/usr/bin/env python3
"""Per-thread CPU and run-queue wait of every Java process on this machine over a window.

Usage: docs/tools/thread-cpu.py SECONDS

Reads /proc/<pid>/task/<tid>/schedstat (ns on a CPU, ns waiting for one, timeslices) at the start
and end of the window; threads are grouped per process by name with digits folded to #.
Used for the profile evidence in docs/benchmarks.md (run it while a `synod bench` window runs).
"""
import collections
import os
import re
import sys
import time


def snap():
    d={}
    for pid in os.listdir('/proc'):
        if not pid.isdigit(): continue
        try: cmd=open(f'/proc/{pid}/cmdline','rb').read().split(b'\0')
        except Exception: continue
        if not cmd or b'java' not in cmd[0]: continue
        try: tids=os.listdir(f'/proc/{pid}/task')
        except Exception: continue
        for t in tids:
            try:
                s=open(f'/proc/{pid}/task/{t}/stat').read()
                name=s[s.index('(')+1:s.rindex(')')]
                run,wait,slices=map(int,open(f'/proc/{pid}/task/{t}/schedstat').read().split())
                d[(pid,t,name)]=(run,wait,slices)
            except Exception: pass
    return d
a=snap(); time.sleep(float(sys.argv[1])); b=snap()
agg=collections.defaultdict(lambda:[0,0,0])
for k,v in b.items():
    if k in a:
        pid,t,name=k
        key=(pid,re.sub(r'\d+','#',name))
        for i in range(3): agg[key][i]+=v[i]-a[k][i]
tot=[sum(x[i] for x in agg.values()) for i in range(3)]
print(f'window {sys.argv[1]} s: on-CPU {tot[0]/1e6:.0f} ms, waiting for a CPU (run queue) {tot[1]/1e6:.0f} ms, {tot[2]} timeslices')
print(f"{'pid':>7} {'threads':30} {'cpu ms':>8} {'runq ms':>8} {'slices':>8} {'runq us/slice':>13}")
for (pid,name),(run,wait,sl) in sorted(agg.items(), key=lambda kv:-kv[1][0])[:24]:
    if run>0: print(f'{pid:>7} {name:30} {run/1e6:8.0f} {wait/1e6:8.0f} {sl:8d} {wait/1e3/max(sl,1):13.1f}')
