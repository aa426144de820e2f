from shienmap.cli import run

run()
