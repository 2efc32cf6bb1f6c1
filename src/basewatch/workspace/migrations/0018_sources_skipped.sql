-- Records that are valid but carry no data of the file's kind (AIS base stations, binary messages), counted
-- apart from rejects (issue 9): accepted + rejected + duplicates + skipped = records in the file.
ALTER TABLE sources ADD COLUMN skipped BIGINT DEFAULT 0;
