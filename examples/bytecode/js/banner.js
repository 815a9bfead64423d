// A script (not a module): its completion value is the banner.
`bytecode-example, compiled at build time`
