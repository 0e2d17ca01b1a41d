from webapp.main import run

run()
