"""Stand-in figures for a stdlib bundle, for the report's browser test and
screenshot, until `pybundle inspect --json` can give real ones.

Walks this interpreter's stdlib, compiles every module, and counts per module
what a .pyb would: code objects, bytecode bytes, and string / constant entries,
an entry being "shared" when an equal value was already stored by an earlier
module (the .pyb's one-hop redirect). bytesAttributed is the module's marshal
size minus what its shared entries would have cost. Prints ReportData JSON.
"""
import json, marshal, os, sys, sysconfig, types, warnings

warnings.simplefilter("ignore")

stdlib = sysconfig.get_paths()["stdlib"]
entries = []
for dirpath, dirnames, filenames in os.walk(stdlib):
    rel = os.path.relpath(dirpath, stdlib)
    parts = [] if rel == "." else rel.split(os.sep)
    if any(not p.isidentifier() for p in parts) or "site-packages" in parts:
        dirnames[:] = []
        continue
    dirnames.sort()
    if parts and "__init__.py" not in filenames:
        if not any(f.endswith(".py") for f in filenames):
            dirnames[:] = []
            continue
        kind_of_dir = "namespace"
    else:
        kind_of_dir = "package"
    if parts:
        entries.append((".".join(parts), kind_of_dir, os.path.join(dirpath, "__init__.py") if kind_of_dir == "package" else None))
    for f in sorted(filenames):
        if f.endswith(".py") and f != "__init__.py" and f[:-3].isidentifier():
            entries.append((".".join(parts + [f[:-3]]), "module", os.path.join(dirpath, f)))

seen_str, seen_const = set(), set()
modules = []
saved = 0
tot = {"s": [0, 0, 0], "c": [0, 0, 0]}
for name, kind, path in sorted(entries):
    m = dict(name=name, kind=kind, codeObjects=0, bytecodeBytes=0, bytesAttributed=0,
             stringsOwned=0, stringsShared=0, constsOwned=0, constsShared=0)
    if path is not None:
        try:
            src = open(path, "rb").read()
            code = compile(src, path, "exec", dont_inherit=True)
        except (SyntaxError, ValueError, UnicodeDecodeError):
            continue
        size = len(marshal.dumps(code))
        stack = [code]
        while stack:
            co = stack.pop()
            m["codeObjects"] += 1
            m["bytecodeBytes"] += len(co.co_code)
            for s in (co.co_filename, co.co_name, getattr(co, 'co_qualname', co.co_name), *co.co_names, *co.co_varnames, *co.co_freevars, *co.co_cellvars):
                if s in seen_str:
                    m["stringsShared"] += 1
                    saved += len(s) + 5
                else:
                    seen_str.add(s)
                    m["stringsOwned"] += 1
            for c in co.co_consts:
                if isinstance(c, types.CodeType):
                    stack.append(c)
                    continue
                key = (type(c).__name__, repr(c))
                if key in seen_const:
                    m["constsShared"] += 1
                    saved += len(key[1]) + 2
                else:
                    seen_const.add(key)
                    m["constsOwned"] += 1
        m["bytesAttributed"] = size
    modules.append(m)

for m in modules:
    tot["s"][0] += m["stringsOwned"] + m["stringsShared"]; tot["s"][1] += m["stringsOwned"]; tot["s"][2] += m["stringsShared"]
    tot["c"][0] += m["constsOwned"] + m["constsShared"]; tot["c"][1] += m["constsOwned"]; tot["c"][2] += m["constsShared"]
attributed = sum(m["bytesAttributed"] for m in modules)
codes = sum(m["codeObjects"] for m in modules)
sections = [
    {"name": "MIDX", "size": 8 + 8 * 2 ** (len(modules) * 2 - 1).bit_length()},
    {"name": "MODS", "size": 64 * len(modules)},
    {"name": "CODE", "size": 96 * codes},
    {"name": "STRT", "size": 8 * tot["s"][0]},
    {"name": "CNST", "size": 8 * tot["c"][0]},
    {"name": "STRD", "size": attributed // 6},
    {"name": "CDAT", "size": attributed // 5},
    {"name": "BLOB", "size": attributed // 2},
]
summary = {
    "formatVersion": "1.0",
    "pythonVersion": "%d.%d" % sys.version_info[:2],
    "moduleCount": len(modules),
    "fileSize": 256 + sum(s["size"] for s in sections),
    "sections": sections,
    "strings": {"entries": tot["s"][0], "records": tot["s"][1], "redirects": tot["s"][2]},
    "consts": {"entries": tot["c"][0], "records": tot["c"][1], "redirects": tot["c"][2]},
    "bytesSavedBySharing": saved,
    "checksums": "ok",
}
json.dump({"summary": summary, "modules": modules}, sys.stdout)
