/**
 * Walking package folders the host cannot see but the target interpreter can
 * (python = "pyodide": its standard library is in Pyodide's in-memory
 * filesystem). The interpreter lists the tree with the same rules as
 * data.ts's walk (links followed, loops by dev+ino on the current path,
 * `__pycache__` and other bundled packages' folders left out, nothing but
 * stat() on a non-regular file); data.ts applies the suffix, exclude_data and
 * path rules and reads the files through the interpreter in one run.
 */
import type { Interpreter } from '../interpreter/interpreter.js'

export type WalkEntry = { path: string; size: number } | { path: string; reason: string }

// stdin: JSON {"dirs": [abs, ...], "owners": [abs, ...]}; stdout: JSON [[entry, ...] per dir, or null when it is not a folder].
const WALKER = String.raw`
import sys, os, json, stat as S
req = json.loads(sys.stdin.read())
def key(st):
    return (st.st_dev, st.st_ino)
owners = set()
for d in req['owners']:
    try:
        owners.add(key(os.stat(d)))
    except OSError:
        pass
def kind(m):
    return ('a FIFO' if S.S_ISFIFO(m) else 'a socket' if S.S_ISSOCK(m) else 'a character device' if S.S_ISCHR(m)
            else 'a block device' if S.S_ISBLK(m) else 'not a file')
def walk(d, rel, on_path, out):
    try:
        names = os.listdir(d)
    except OSError as e:
        out.append({'path': rel, 'reason': 'unreadable folder: %s' % (e.__class__.__name__,)})
        return
    for name in sorted(names, key=lambda n: n.encode('utf-8', 'surrogateescape')):
        if name == '__pycache__':
            continue
        path = name if not rel else rel + '/' + name
        full = os.path.join(d, name)
        try:
            st = os.stat(full)
        except OSError as e:
            out.append({'path': path, 'reason': 'dangling symlink' if os.path.islink(full) else 'unreadable: %s' % (e.__class__.__name__,)})
            continue
        if S.S_ISDIR(st.st_mode):
            k = key(st)
            if k in on_path:
                out.append({'path': path, 'reason': 'symlink loop'})
            elif k not in owners:
                on_path.add(k)
                walk(full, path, on_path, out)
                on_path.discard(k)
        elif S.S_ISREG(st.st_mode):
            out.append({'path': path, 'size': st.st_size})
        else:
            out.append({'path': path, 'reason': 'not a regular file (%s)' % kind(st.st_mode)})
result = []
for d in req['dirs']:
    try:
        st = os.stat(d)
    except OSError:
        result.append(None)
        continue
    if not S.S_ISDIR(st.st_mode):
        result.append(None)
        continue
    out = []
    walk(d, '', {key(st)}, out)
    result.append(out)
sys.stdout.write(json.dumps(result))
`

/**
 * The entries of each folder as the interpreter sees them (null: not a folder there either).
 * `timeout`: seconds the run may take ([bundle] timeout).
 */
export async function walkThroughInterpreter(interpreter: Interpreter, dirs: readonly string[], owners: readonly string[], timeout?: number): Promise<(WalkEntry[] | null)[]> {
  if (dirs.length === 0) return []
  const run = await interpreter.runScript({ source: WALKER, name: '<pybundle walk>' }, [], {
    stdin: JSON.stringify({ dirs, owners }), timeout, step: 'listing package folders',
  })
  try {
    if (run.exitCode !== 0) throw new Error('exit')
    const out = JSON.parse(run.stdout.toString('utf8')) as (WalkEntry[] | null)[]
    if (out.length === dirs.length) return out
  } catch {
    // fall through: the interpreter cannot see them either
  }
  return dirs.map(() => null)
}
