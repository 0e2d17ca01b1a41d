def describe():
    return 'greet from ' + __name__
