module github.com/facegate/facegate

go 1.26

require (
	github.com/disintegration/imaging v1.6.2
	github.com/klauspost/cpuid/v2 v2.3.0
	golang.org/x/image v0.33.0
)

require (
	github.com/chai2010/webp v1.4.0 // indirect
	github.com/esimov/pigo v1.4.6 // indirect
	golang.org/x/sys v0.30.0 // indirect
)
