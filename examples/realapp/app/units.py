import attr


@attr.s(frozen=True)
class Quantity:
    amount = attr.ib()
    unit = attr.ib(default='kg')
