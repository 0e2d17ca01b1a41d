"""python -m app: prints a report whose every line comes from a package data
file, a template, distribution metadata or a third-party package. The output is
deterministic, so a run from a bundle can be compared with a normal run."""
from app.main import main

main()
