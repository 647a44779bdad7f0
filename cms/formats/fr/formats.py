# French (Canada) formats: day before month, ISO short dates, 24-hour clock with "h",
# comma as decimal separator and a non-breaking space between thousands.
DATE_FORMAT = "j F Y"
TIME_FORMAT = "H \\h i"
DATETIME_FORMAT = "j F Y, H \\h i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H \\h i"
FIRST_DAY_OF_WEEK = 0  # dimanche
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"
NUMBER_GROUPING = 3
