#!/usr/bin/env python3
"""Summarises an async-profiler collapsed-stack file (output=collapsed, threads=true).

usage: profile-summary.py <collapsed.csv> [top-N] [comma,separated,frame,substrings]

Prints the share of samples per thread (numbers folded to N), the inclusive share of every
frame substring given (the share of samples whose stack contains it), and the top-N self frames.
The summaries in docs/profiles/ were made with it.
"""
import sys, collections, re
path=sys.argv[1]; top=int(sys.argv[2]) if len(sys.argv)>2 else 25
tot=0; selfc=collections.Counter(); thread=collections.Counter(); incl=collections.Counter()
keys=sys.argv[3].split(',') if len(sys.argv)>3 else []
for line in open(path):
    line=line.rstrip('\n'); 
    if not line: continue
    stack,_,n=line.rpartition(' '); n=int(n); tot+=n
    frames=stack.split(';')
    if frames[0].startswith('['):
        thread[re.sub(r'[-#]?\d+','N',frames[0])]+=n; frames=frames[1:]
    selfc[frames[-1]]+=n
    seen=set()
    for f in frames:
        for k in keys:
            if k in f and k not in seen: incl[k]+=n; seen.add(k)
print(f"samples {tot}")
if thread:
    print("by thread:"); [print(f"  {c*100/tot:5.1f}% {t}") for t,c in thread.most_common(10)]
print("inclusive:"); [print(f"  {incl[k]*100/tot:5.1f}% {k}") for k in keys]
print("top self:"); [print(f"  {c*100/tot:5.1f}% {f}") for f,c in selfc.most_common(top)]
