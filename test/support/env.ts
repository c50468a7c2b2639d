/** Loaded before any test file: keeps the chaincode libraries' own logging to errors. */
process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= 'critical';
