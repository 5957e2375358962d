"""Dates as Italian writes them: "1 gennaio 2024", "giovedì 10 dicembre 2026, 15:00".

Django's Italian formats give "01 Gennaio 2024" and "Giovedì 10 Dicembre 2026": a leading zero
and capitals that Italian does not use. Here the day has no leading zero (`j`) and the month is
`E`, the "alt. month" name, which Ponte's catalogue gives in lower case (Django's has it
capitalised, like the weekdays `l`, also lower case in Ponte's catalogue). The short formats
stay numeric, dd/mm/yyyy. Anything not set here comes from Django's Italian formats."""

DATE_FORMAT = "j E Y"  # 1 gennaio 2024
DATETIME_FORMAT = "l j E Y, H:i"  # giovedì 10 dicembre 2026, 15:00
YEAR_MONTH_FORMAT = "E Y"  # dicembre 2026
MONTH_DAY_FORMAT = "j E"  # 10 dicembre
SHORT_DATE_FORMAT = "d/m/Y"  # 10/12/2026
SHORT_DATETIME_FORMAT = "d/m/Y H:i"  # 10/12/2026 15:00
