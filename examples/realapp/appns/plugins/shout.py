def describe():
    return ('shout from ' + __name__).upper()
