#!/usr/bin/env python3
"""Share of CPU samples in the WebSocket inbound framing layers of an async-profiler collapsed file.

usage: framing-share.py <collapsed.csv>...

Counts the samples whose stack passes through the frame decoder (Netty's ByteToMessageDecoder, or
our MessageDecoder) but not into MessageBridge below it: the cost of turning socket bytes into
messages, without what the application does with them (websocket-message-decoder.md).
"""
import sys
for path in sys.argv[1:]:
    tot=fr=0
    for line in open(path):
        stack,_,n=line.rstrip('\n').rpartition(' '); n=int(n); tot+=n
        fs=stack.split(';')
        i=[k for k,f in enumerate(fs) if f.endswith('ByteToMessageDecoder.channelRead') or f.endswith('ws/MessageDecoder.channelRead')]
        if not i: continue
        below=fs[i[0]:]
        if not any(f.endswith('MessageBridge.channelRead') or f.endswith('MessageBridge.onMessage') for f in below):
            fr+=n
    print(path, f"samples {tot}, framing layers without the bridge: {fr} ({fr*100/tot:.1f}%)")
