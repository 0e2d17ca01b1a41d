from decimal import Decimal, ROUND_HALF_EVEN


def format_money(amount):
    return "€ " + str(Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN))
