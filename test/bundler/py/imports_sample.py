# Every import form imports.py must read (test/bundler/closure.test.ts).
# Never run: the names do not exist.
import os.path
from . import sib
from ..up import a, b
try:
    import fast
except ImportError:
    import slow
try:
    from x import y
except (AttributeError, ModuleNotFoundError):
    pass
try:
    with open('f'):
        import inwith
except ImportError:
    pass
try:
    import notopt
except KeyError:
    pass
try:
    import bare
except:
    pass
try:
    import fin
finally:
    pass


def f():
    import infunc

    class C:
        def m(self):
            try:
                from deep import z
            except Exception:
                z = None
            return z
    return C, [lambda: __import__('notbytecode') for _ in ()]


async def g():
    async with h():
        try:
            import inasync
        except ImportError:
            pass
