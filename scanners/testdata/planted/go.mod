module secscan.test/planted

go 1.24

require golang.org/x/text v0.3.5 // plant: GO-2021-0113 GO-2022-1059 GO-2026-6629
