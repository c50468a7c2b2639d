/**
 * Imported first by the command-line entry points: fabric-contract-api logs
 * every decorator at "info" when the contracts load, before any code of ours
 * could lower its level.
 */
process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= 'critical';
