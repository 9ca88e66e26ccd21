package export

// HiveDefaultPartition is the partition directory value that Hive-style
// readers (DuckDB, Spark, BigQuery, Athena) read as NULL, so that a date
// column keeps its DATE type when some calls have no start.
const HiveDefaultPartition = "__HIVE_DEFAULT_PARTITION__"

// PartitionDir returns the Hive directory of a start date (NoDate
// for calls without a start).
func PartitionDir(date string) string {
	if date == NoDate {
		return "date=" + HiveDefaultPartition
	}
	return "date=" + date
}

// PartitionOf returns the Hive directory of a call in a date-partitioned
// table.
func PartitionOf(c *Call) string {
	return PartitionDir(Meta{Start: c.StartMs()}.Date()) // no Sum needed to place a call
}
