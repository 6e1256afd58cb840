#!/usr/bin/env python3
# Aggregates `jfr print --json --events jdk.ObjectAllocationSample` by allocated class and by the
# first dev.opendesk frame of the stack.
import json, sys, collections
d = json.load(open(sys.argv[1]))
events = d['recording']['events']
by_class = collections.Counter(); by_site = collections.Counter(); total = 0
for e in events:
    v = e['values']; w = v['weight']; total += w
    cls = v['objectClass']['name']
    frames = v['stackTrace']['frames'] if v.get('stackTrace') else []
    site = '?'
    for f in frames:
        m = f['method']; t = m['type']['name']
        if t.startswith('dev/opendesk') or t.startswith('dev.opendesk'):
            site = t.split('/')[-1] + '.' + m['name'] + ':' + str(f.get('lineNumber'))
            break
    top = frames[0]['method']['type']['name'].split('/')[-1] + '.' + frames[0]['method']['name'] if frames else '?'
    by_class[cls] += w
    by_site[(site, cls, top)] += w
print('total weight', total)
for k, w in by_class.most_common(25):
    print('%5.1f%% %s' % (100.0 * w / total, k))
print()
for k, w in by_site.most_common(40):
    print('%5.1f%% %s' % (100.0 * w / total, k))
