"""Compile modules for the fuzz seeds: reads a JSON list of {"name", "file"?, "source"?, "package"?}
on stdin, writes a JSON list of {"name", "path", "package", "marshal" (base64)} on stdout."""
import base64, importlib.util, json, marshal, sys

out = []
for spec in json.load(sys.stdin):
    name = spec["name"]
    if "source" in spec:
        source = spec["source"]
        path = spec.get("path") or name.replace(".", "/") + ("/__init__.py" if spec.get("package") else ".py")
        package = bool(spec.get("package"))
    else:
        found = importlib.util.find_spec(name)
        if found is None or not found.origin or not found.origin.endswith(".py"):
            continue
        with open(found.origin, "rb") as f:
            source = f.read()
        package = found.submodule_search_locations is not None
        path = name.replace(".", "/") + ("/__init__.py" if package else ".py")
    code = compile(source, path, "exec", dont_inherit=True, optimize=0)
    out.append({"name": name, "path": path, "package": package,
                "marshal": base64.b64encode(marshal.dumps(code)).decode()})
json.dump({"version": list(sys.version_info[:2]), "modules": out}, sys.stdout)
