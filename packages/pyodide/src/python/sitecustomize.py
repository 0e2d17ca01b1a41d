# pybundle: installs the bundle's import hook while site runs (see _pybundle_boot).
import _pybundle_boot
_pybundle_boot.install()
_pybundle_boot.chain_sitecustomize()
