"""The supervisor's report files (issue 13): the evaluation as an Excel workbook (`xlsx`) and as a PDF
written by Qt (`pdf`: QPdfWriter embeds the CJK font Debian ships, which reportlab cannot), with the
charts (`charts`, QtCharts objects the review window shows too) and a thematic map snapshot drawn by
`gridwatch.layers.thematic`. Everything is read through `gridwatch.db.reads.evaluation`, never SQL.
"""
