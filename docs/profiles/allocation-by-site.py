import re,sys,collections
txt=open(sys.argv[1]).read()
ev=txt.split('jdk.ObjectAllocationOutsideTLAB {')
agg=collections.Counter(); cnt=collections.Counter(); tot=0
depth=int(sys.argv[2]) if len(sys.argv)>2 else 2
for e in ev[1:]:
    m=re.search(r'objectClass = (\S+)',e); w=re.search(r'allocationSize = ([\d.,]+) (\w+)',e)
    if not m or not w: continue
    val=float(w.group(1).replace(',',''))
    mult={'bytes':1,'byte':1,'kB':1024,'MB':1024**2}.get(w.group(2),1); val*=mult
    st=re.search(r'stackTrace = \[(.*?)\n\s*\]',e,re.S)
    frames=[]
    if st:
        frames=[l.strip() for l in st.group(1).strip().split('\n') if l.strip() and l.strip()!='...'][:depth]
    key=m.group(1)+' <- '+' <- '.join(re.sub(r'\s+line:.*','',f) for f in frames)
    agg[key]+=val; cnt[key]+=1; tot+=val
# normalise by the allocations of one site per operation: by default OutboundUnary (one per call);
# for streams e.g. 'dev.opendesk.protocol.Res <- dev.opendesk.protocol.FrameReader' (one per item)
unit=sys.argv[3] if len(sys.argv)>3 else 'dev.opendesk.peer.OutboundUnary '
calls=sum(c for k,c in cnt.items() if k.startswith(unit))
print('operations',calls,'total B/operation',tot/max(calls,1))
for k,v in agg.most_common(40): print(f"{v/calls:7.1f} B {cnt[k]/calls:5.2f}x {k}")
