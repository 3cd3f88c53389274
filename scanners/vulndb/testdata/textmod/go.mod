module example.com/textmod

go 1.22

require golang.org/x/text v0.3.5
