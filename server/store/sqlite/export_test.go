package sqlite

// MigrationCount is how many migrations the package has (versions may have
// gaps while branches that add them are merged).
var MigrationCount = len(migrations)
