// nats-server 2.9.10's JetStream API errors as data ({code, err_code, description}) and apiError() to fill their templates.

/*
 * Source: the error table compiled into nats-server v2.9.10 (codes and texts read out of /usr/sbin/nats-server, which
 * holds exactly err_codes 10002..10133), named after nats-server's server/errors.json constants without the "JS" prefix
 * and the "Err"/"ErrF"/"F" suffix (JSStreamNotFoundErr -> StreamNotFound), as the official clients name them. The
 * trailing comment of each row is nats-server's constant. Entries after the marked line exist only in later
 * nats-server versions (main's errors.json); 2.9.10 never sends them — they are kept for reference only.
 * Placeholders: {err} {seq} {id} {max} {limit} {prefix} {subject} {msg} (filled by apiError; unknown ones stay as is).
 * A {err}-only description means nats-server sends the text of an inner Go error, e.g. StreamCreate / StreamInvalidConfig.
 */

export interface JsApiError {
  code: number;
  err_code: number;
  description: string;
}

export const JsApiErrors = {
  AccountResourcesExceeded: { code: 400, err_code: 10002, description: 'resource limits exceeded for account' }, // JSAccountResourcesExceededErr
  BadRequest: { code: 400, err_code: 10003, description: 'bad request' }, // JSBadRequestErr
  ClusterIncomplete: { code: 503, err_code: 10004, description: 'incomplete results' }, // JSClusterIncompleteErr
  ClusterNoPeers: { code: 400, err_code: 10005, description: '{err}' }, // JSClusterNoPeersErrF
  ClusterNotActive: { code: 500, err_code: 10006, description: 'JetStream not in clustered mode' }, // JSClusterNotActiveErr
  ClusterNotAssigned: { code: 500, err_code: 10007, description: 'JetStream cluster not assigned to this server' }, // JSClusterNotAssignedErr
  ClusterNotAvail: { code: 503, err_code: 10008, description: 'JetStream system temporarily unavailable' }, // JSClusterNotAvailErr
  ClusterNotLeader: { code: 500, err_code: 10009, description: 'JetStream cluster can not handle request' }, // JSClusterNotLeaderErr
  ClusterRequired: { code: 503, err_code: 10010, description: 'JetStream clustering support required' }, // JSClusterRequiredErr
  ClusterTags: { code: 400, err_code: 10011, description: 'tags placement not supported for operation' }, // JSClusterTagsErr
  ConsumerCreate: { code: 500, err_code: 10012, description: '{err}' }, // JSConsumerCreateErrF
  ConsumerNameExist: { code: 400, err_code: 10013, description: 'consumer name already in use' }, // JSConsumerNameExistErr
  ConsumerNotFound: { code: 404, err_code: 10014, description: 'consumer not found' }, // JSConsumerNotFoundErr
  SnapshotDeliverSubjectInvalid: { code: 400, err_code: 10015, description: 'deliver subject not valid' }, // JSSnapshotDeliverSubjectInvalidErr
  ConsumerDurableNameNotInSubject: { code: 400, err_code: 10016, description: 'consumer expected to be durable but no durable name set in subject' }, // JSConsumerDurableNameNotInSubjectErr
  ConsumerDurableNameNotMatchSubject: { code: 400, err_code: 10017, description: 'consumer name in subject does not match durable name in request' }, // JSConsumerDurableNameNotMatchSubjectErr
  ConsumerDurableNameNotSet: { code: 400, err_code: 10018, description: 'consumer expected to be durable but a durable name was not set' }, // JSConsumerDurableNameNotSetErr
  ConsumerEphemeralWithDurableInSubject: { code: 400, err_code: 10019, description: 'consumer expected to be ephemeral but detected a durable name set in subject' }, // JSConsumerEphemeralWithDurableInSubjectErr
  ConsumerEphemeralWithDurableName: { code: 400, err_code: 10020, description: 'consumer expected to be ephemeral but a durable name was set in request' }, // JSConsumerEphemeralWithDurableNameErr
  StreamExternalApiOverlap: { code: 400, err_code: 10021, description: 'stream external api prefix {prefix} must not overlap with {subject}' }, // JSStreamExternalApiOverlapErrF
  StreamExternalDelPrefixOverlaps: { code: 400, err_code: 10022, description: 'stream external delivery prefix {prefix} overlaps with stream subject {subject}' }, // JSStreamExternalDelPrefixOverlapsErrF
  InsufficientResources: { code: 503, err_code: 10023, description: 'insufficient resources' }, // JSInsufficientResourcesErr
  StreamInvalidExternalDeliverySubj: { code: 400, err_code: 10024, description: 'stream external delivery prefix {prefix} must not contain wildcards' }, // JSStreamInvalidExternalDeliverySubjErrF
  InvalidJSON: { code: 400, err_code: 10025, description: 'invalid JSON' }, // JSInvalidJSONErr (main: "invalid JSON: {err}")
  MaximumConsumersLimit: { code: 400, err_code: 10026, description: 'maximum consumers limit reached' }, // JSMaximumConsumersLimitErr
  MaximumStreamsLimit: { code: 400, err_code: 10027, description: 'maximum number of streams reached' }, // JSMaximumStreamsLimitErr
  MemoryResourcesExceeded: { code: 500, err_code: 10028, description: 'insufficient memory resources available' }, // JSMemoryResourcesExceededErr
  MirrorConsumerSetupFailed: { code: 500, err_code: 10029, description: '{err}' }, // JSMirrorConsumerSetupFailedErrF
  MirrorMaxMessageSizeTooBig: { code: 400, err_code: 10030, description: 'stream mirror must have max message size >= source' }, // JSMirrorMaxMessageSizeTooBigErr
  MirrorWithSources: { code: 400, err_code: 10031, description: 'stream mirrors can not also contain other sources' }, // JSMirrorWithSourcesErr
  MirrorWithStartSeqAndTime: { code: 400, err_code: 10032, description: 'stream mirrors can not have both start seq and start time configured' }, // JSMirrorWithStartSeqAndTimeErr
  MirrorWithSubjectFilters: { code: 400, err_code: 10033, description: 'stream mirrors can not contain filtered subjects' }, // JSMirrorWithSubjectFiltersErr
  MirrorWithSubjects: { code: 400, err_code: 10034, description: 'stream mirrors can not contain subjects' }, // JSMirrorWithSubjectsErr
  NoAccount: { code: 503, err_code: 10035, description: 'account not found' }, // JSNoAccountErr
  ClusterUnSupportFeature: { code: 503, err_code: 10036, description: 'not currently supported in clustered mode' }, // JSClusterUnSupportFeatureErr
  NoMessageFound: { code: 404, err_code: 10037, description: 'no message found' }, // JSNoMessageFoundErr
  NotEmptyRequest: { code: 400, err_code: 10038, description: 'expected an empty request payload' }, // JSNotEmptyRequestErr
  NotEnabledForAccount: { code: 503, err_code: 10039, description: 'JetStream not enabled for account' }, // JSNotEnabledForAccountErr
  ClusterPeerNotMember: { code: 400, err_code: 10040, description: 'peer not a member' }, // JSClusterPeerNotMemberErr
  RaftGeneral: { code: 500, err_code: 10041, description: '{err}' }, // JSRaftGeneralErrF
  RestoreSubscribeFailed: { code: 500, err_code: 10042, description: 'JetStream unable to subscribe to restore snapshot {subject}: {err}' }, // JSRestoreSubscribeFailedErrF
  SequenceNotFound: { code: 400, err_code: 10043, description: 'sequence {seq} not found' }, // JSSequenceNotFoundErrF
  ClusterServerNotMember: { code: 400, err_code: 10044, description: 'server is not a member of the cluster' }, // JSClusterServerNotMemberErr
  SourceConsumerSetupFailed: { code: 500, err_code: 10045, description: '{err}' }, // JSSourceConsumerSetupFailedErrF
  SourceMaxMessageSizeTooBig: { code: 400, err_code: 10046, description: 'stream source must have max message size >= target' }, // JSSourceMaxMessageSizeTooBigErr
  StorageResourcesExceeded: { code: 500, err_code: 10047, description: 'insufficient storage resources available' }, // JSStorageResourcesExceededErr
  StreamAssignment: { code: 500, err_code: 10048, description: '{err}' }, // JSStreamAssignmentErrF
  StreamCreate: { code: 500, err_code: 10049, description: '{err}' }, // JSStreamCreateErrF
  StreamDelete: { code: 500, err_code: 10050, description: '{err}' }, // JSStreamDeleteErrF
  StreamGeneralError: { code: 500, err_code: 10051, description: '{err}' }, // JSStreamGeneralErrorF
  StreamInvalidConfig: { code: 500, err_code: 10052, description: '{err}' }, // JSStreamInvalidConfigF
  StreamLimits: { code: 500, err_code: 10053, description: '{err}' }, // JSStreamLimitsErrF
  StreamMessageExceedsMaximum: { code: 400, err_code: 10054, description: 'message size exceeds maximum allowed' }, // JSStreamMessageExceedsMaximumErr
  StreamMirrorNotUpdatable: { code: 400, err_code: 10055, description: 'stream mirror configuration can not be updated' }, // JSStreamMirrorNotUpdatableErr
  StreamMismatch: { code: 400, err_code: 10056, description: 'stream name in subject does not match request' }, // JSStreamMismatchErr
  StreamMsgDeleteFailed: { code: 500, err_code: 10057, description: '{err}' }, // JSStreamMsgDeleteFailedF
  StreamNameExist: { code: 400, err_code: 10058, description: 'stream name already in use with a different configuration' }, // JSStreamNameExistErr
  StreamNotFound: { code: 404, err_code: 10059, description: 'stream not found' }, // JSStreamNotFoundErr
  StreamNotMatch: { code: 400, err_code: 10060, description: 'expected stream does not match' }, // JSStreamNotMatchErr
  StreamReplicasNotUpdatable: { code: 400, err_code: 10061, description: 'Replicas configuration can not be updated' }, // JSStreamReplicasNotUpdatableErr
  StreamRestore: { code: 500, err_code: 10062, description: 'restore failed: {err}' }, // JSStreamRestoreErrF
  StreamSequenceNotMatch: { code: 503, err_code: 10063, description: 'expected stream sequence does not match' }, // JSStreamSequenceNotMatchErr
  StreamSnapshot: { code: 500, err_code: 10064, description: 'snapshot failed: {err}' }, // JSStreamSnapshotErrF
  StreamSubjectOverlap: { code: 400, err_code: 10065, description: 'subjects overlap with an existing stream' }, // JSStreamSubjectOverlapErr
  StreamTemplateCreate: { code: 500, err_code: 10066, description: '{err}' }, // JSStreamTemplateCreateErrF
  StreamTemplateDelete: { code: 500, err_code: 10067, description: '{err}' }, // JSStreamTemplateDeleteErrF
  StreamTemplateNotFound: { code: 404, err_code: 10068, description: 'template not found' }, // JSStreamTemplateNotFoundErr
  StreamUpdate: { code: 500, err_code: 10069, description: '{err}' }, // JSStreamUpdateErrF
  StreamWrongLastMsgID: { code: 400, err_code: 10070, description: 'wrong last msg ID: {id}' }, // JSStreamWrongLastMsgIDErrF
  StreamWrongLastSequence: { code: 400, err_code: 10071, description: 'wrong last sequence: {seq}' }, // JSStreamWrongLastSequenceErrF
  TempStorageFailed: { code: 500, err_code: 10072, description: 'JetStream unable to open temp storage for restore' }, // JSTempStorageFailedErr
  TemplateNameNotMatchSubject: { code: 400, err_code: 10073, description: 'template name in subject does not match request' }, // JSTemplateNameNotMatchSubjectErr
  StreamReplicasNotSupported: { code: 500, err_code: 10074, description: 'replicas > 1 not supported in non-clustered mode' }, // JSStreamReplicasNotSupportedErr
  PeerRemap: { code: 503, err_code: 10075, description: 'peer remap failed' }, // JSPeerRemapErr
  NotEnabled: { code: 503, err_code: 10076, description: 'JetStream not enabled' }, // JSNotEnabledErr
  StreamStoreFailed: { code: 503, err_code: 10077, description: '{err}' }, // JSStreamStoreFailedF
  ConsumerConfigRequired: { code: 400, err_code: 10078, description: 'consumer config required' }, // JSConsumerConfigRequiredErr
  ConsumerDeliverToWildcards: { code: 400, err_code: 10079, description: 'consumer deliver subject has wildcards' }, // JSConsumerDeliverToWildcardsErr
  ConsumerPushMaxWaiting: { code: 400, err_code: 10080, description: 'consumer in push mode can not set max waiting' }, // JSConsumerPushMaxWaitingErr
  ConsumerDeliverCycle: { code: 400, err_code: 10081, description: 'consumer deliver subject forms a cycle' }, // JSConsumerDeliverCycleErr
  ConsumerMaxPendingAckPolicyRequired: { code: 400, err_code: 10082, description: 'consumer requires ack policy for max ack pending' }, // JSConsumerMaxPendingAckPolicyRequiredErr
  ConsumerSmallHeartbeat: { code: 400, err_code: 10083, description: 'consumer idle heartbeat needs to be >= 100ms' }, // JSConsumerSmallHeartbeatErr
  ConsumerPullRequiresAck: { code: 400, err_code: 10084, description: 'consumer in pull mode requires ack policy' }, // JSConsumerPullRequiresAckErr (main: "... requires explicit ack policy on workqueue stream")
  ConsumerPullNotDurable: { code: 400, err_code: 10085, description: 'consumer in pull mode requires a durable name' }, // JSConsumerPullNotDurableErr
  ConsumerPullWithRateLimit: { code: 400, err_code: 10086, description: 'consumer in pull mode can not have rate limit set' }, // JSConsumerPullWithRateLimitErr
  ConsumerMaxWaitingNegative: { code: 400, err_code: 10087, description: 'consumer max waiting needs to be positive' }, // JSConsumerMaxWaitingNegativeErr
  ConsumerHBRequiresPush: { code: 400, err_code: 10088, description: 'consumer idle heartbeat requires a push based consumer' }, // JSConsumerHBRequiresPushErr
  ConsumerFCRequiresPush: { code: 400, err_code: 10089, description: 'consumer flow control requires a push based consumer' }, // JSConsumerFCRequiresPushErr
  ConsumerDirectRequiresPush: { code: 400, err_code: 10090, description: 'consumer direct requires a push based consumer' }, // JSConsumerDirectRequiresPushErr
  ConsumerDirectRequiresEphemeral: { code: 400, err_code: 10091, description: 'consumer direct requires an ephemeral consumer' }, // JSConsumerDirectRequiresEphemeralErr
  ConsumerOnMapped: { code: 400, err_code: 10092, description: 'consumer direct on a mapped consumer' }, // JSConsumerOnMappedErr
  ConsumerFilterNotSubset: { code: 400, err_code: 10093, description: 'consumer filter subject is not a valid subset of the interest subjects' }, // JSConsumerFilterNotSubsetErr
  ConsumerInvalidPolicy: { code: 400, err_code: 10094, description: '{err}' }, // JSConsumerInvalidPolicyErrF
  ConsumerInvalidSampling: { code: 400, err_code: 10095, description: 'failed to parse consumer sampling configuration: {err}' }, // JSConsumerInvalidSamplingErrF
  StreamInvalid: { code: 500, err_code: 10096, description: 'stream not valid' }, // JSStreamInvalidErr
  StreamHeaderExceedsMaximum: { code: 400, err_code: 10097, description: 'header size exceeds maximum allowed of 64k' }, // JSStreamHeaderExceedsMaximumErr
  ConsumerWQRequiresExplicitAck: { code: 400, err_code: 10098, description: 'workqueue stream requires explicit ack' }, // JSConsumerWQRequiresExplicitAckErr
  ConsumerWQMultipleUnfiltered: { code: 400, err_code: 10099, description: 'multiple non-filtered consumers not allowed on workqueue stream' }, // JSConsumerWQMultipleUnfilteredErr
  ConsumerWQConsumerNotUnique: { code: 400, err_code: 10100, description: 'filtered consumer not unique on workqueue stream' }, // JSConsumerWQConsumerNotUniqueErr
  ConsumerWQConsumerNotDeliverAll: { code: 400, err_code: 10101, description: 'consumer must be deliver all on workqueue stream' }, // JSConsumerWQConsumerNotDeliverAllErr
  ConsumerNameTooLong: { code: 400, err_code: 10102, description: 'consumer name is too long, maximum allowed is {max}' }, // JSConsumerNameTooLongErrF
  ConsumerBadDurableName: { code: 400, err_code: 10103, description: 'durable name can not contain \'.\', \'*\', \'>\'' }, // JSConsumerBadDurableNameErr
  ConsumerStoreFailed: { code: 500, err_code: 10104, description: 'error creating store for consumer: {err}' }, // JSConsumerStoreFailedErrF
  ConsumerExistingActive: { code: 400, err_code: 10105, description: 'consumer already exists and is still active' }, // JSConsumerExistingActiveErr
  ConsumerReplacementWithDifferentName: { code: 400, err_code: 10106, description: 'consumer replacement durable config not the same' }, // JSConsumerReplacementWithDifferentNameErr
  ConsumerDescriptionTooLong: { code: 400, err_code: 10107, description: 'consumer description is too long, maximum allowed is {max}' }, // JSConsumerDescriptionTooLongErrF
  ConsumerWithFlowControlNeedsHeartbeats: { code: 400, err_code: 10108, description: 'consumer with flow control also needs heartbeats' }, // JSConsumerWithFlowControlNeedsHeartbeats
  StreamSealed: { code: 400, err_code: 10109, description: 'invalid operation on sealed stream' }, // JSStreamSealedErr
  StreamPurgeFailed: { code: 500, err_code: 10110, description: '{err}' }, // JSStreamPurgeFailedF
  StreamRollupFailed: { code: 500, err_code: 10111, description: '{err}' }, // JSStreamRollupFailedF
  ConsumerInvalidDeliverSubject: { code: 400, err_code: 10112, description: 'invalid push consumer deliver subject' }, // JSConsumerInvalidDeliverSubject
  StreamMaxBytesRequired: { code: 400, err_code: 10113, description: 'account requires a stream config to have max bytes set' }, // JSStreamMaxBytesRequired
  ConsumerMaxRequestBatchNegative: { code: 400, err_code: 10114, description: 'consumer max request batch needs to be > 0' }, // JSConsumerMaxRequestBatchNegativeErr
  ConsumerMaxRequestExpiresTooSmall: { code: 400, err_code: 10115, description: 'consumer max request expires needs to be >= 1ms' }, // JSConsumerMaxRequestExpiresTooSmall
  ConsumerMaxDeliverBackoff: { code: 400, err_code: 10116, description: 'max deliver is required to be > length of backoff values' }, // JSConsumerMaxDeliverBackoffErr
  StreamInfoMaxSubjects: { code: 500, err_code: 10117, description: 'subject details would exceed maximum allowed' }, // JSStreamInfoMaxSubjectsErr
  StreamOffline: { code: 500, err_code: 10118, description: 'stream is offline' }, // JSStreamOfflineErr
  ConsumerOffline: { code: 500, err_code: 10119, description: 'consumer is offline' }, // JSConsumerOfflineErr
  NoLimits: { code: 400, err_code: 10120, description: 'no JetStream default or applicable tiered limit present' }, // JSNoLimitsErr
  ConsumerMaxPendingAckExcess: { code: 400, err_code: 10121, description: 'consumer max ack pending exceeds system limit of {limit}' }, // JSConsumerMaxPendingAckExcessErrF
  StreamMaxStreamBytesExceeded: { code: 400, err_code: 10122, description: 'stream max bytes exceeds account limit max stream bytes' }, // JSStreamMaxStreamBytesExceeded
  StreamMoveAndScale: { code: 400, err_code: 10123, description: 'can not move and scale a stream in a single update' }, // JSStreamMoveAndScaleErr
  StreamMoveInProgress: { code: 400, err_code: 10124, description: 'stream move already in progress: {msg}' }, // JSStreamMoveInProgressErr (main: no ": {msg}")
  ConsumerMaxRequestBatchExceeded: { code: 400, err_code: 10125, description: 'consumer max request batch exceeds server limit of {limit}' }, // JSConsumerMaxRequestBatchExceededF
  ConsumerReplicasExceedsStream: { code: 400, err_code: 10126, description: 'consumer config replica count exceeds parent stream' }, // JSConsumerReplicasExceedsStream
  ConsumerNameContainsPathSeparators: { code: 400, err_code: 10127, description: 'Consumer name can not contain path separators' }, // JSConsumerNameContainsPathSeparatorsErr
  StreamNameContainsPathSeparators: { code: 400, err_code: 10128, description: 'Stream name can not contain path separators' }, // JSStreamNameContainsPathSeparatorsErr
  StreamMoveNotInProgress: { code: 400, err_code: 10129, description: 'stream move not in progress' }, // JSStreamMoveNotInProgress (main renamed it JSStreamReconfigureNotInProgressErr, "stream reconfiguration not in progress")
  StreamNameExistRestoreFailed: { code: 400, err_code: 10130, description: 'stream name already in use, cannot restore' }, // JSStreamNameExistRestoreFailedErr
  ConsumerCreateFilterSubjectMismatch: { code: 400, err_code: 10131, description: 'Consumer create request did not match filtered subject from create subject' }, // JSConsumerCreateFilterSubjectMismatchErr
  ConsumerCreateDurableAndNameMismatch: { code: 400, err_code: 10132, description: 'Consumer Durable and Name have to be equal if both are provided' }, // JSConsumerCreateDurableAndNameMismatch
  ReplicasCountCannotBeNegative: { code: 400, err_code: 10133, description: 'replicas count cannot be negative' }, // JSReplicasCountCannotBeNegative
  // ---- newer than nats-server 2.9.10: from main's errors.json, never sent by 2.9.10 ----
  ConsumerReplicasShouldMatchStream: { code: 400, err_code: 10134, description: 'consumer config replicas must match interest retention stream\'s replicas' }, // JSConsumerReplicasShouldMatchStream
  ConsumerMetadataLength: { code: 400, err_code: 10135, description: 'consumer metadata exceeds maximum size of {limit}' }, // JSConsumerMetadataLengthErrF
  ConsumerDuplicateFilterSubjects: { code: 400, err_code: 10136, description: 'consumer cannot have both FilterSubject and FilterSubjects specified' }, // JSConsumerDuplicateFilterSubjects
  ConsumerMultipleFiltersNotAllowed: { code: 400, err_code: 10137, description: 'consumer with multiple subject filters cannot use subject based API' }, // JSConsumerMultipleFiltersNotAllowed
  ConsumerOverlappingSubjectFilters: { code: 400, err_code: 10138, description: 'consumer subject filters cannot overlap' }, // JSConsumerOverlappingSubjectFilters
  ConsumerEmptyFilter: { code: 400, err_code: 10139, description: 'consumer filter in FilterSubjects cannot be empty' }, // JSConsumerEmptyFilter
  SourceDuplicateDetected: { code: 400, err_code: 10140, description: 'duplicate source configuration detected' }, // JSSourceDuplicateDetected
  SourceInvalidStreamName: { code: 400, err_code: 10141, description: 'sourced stream name is invalid' }, // JSSourceInvalidStreamName
  MirrorInvalidStreamName: { code: 400, err_code: 10142, description: 'mirrored stream name is invalid' }, // JSMirrorInvalidStreamName
  MirrorWithFirstSeq: { code: 400, err_code: 10143, description: 'stream mirrors can not have first sequence configured' }, // JSMirrorWithFirstSeqErr
  SourceMultipleFiltersNotAllowed: { code: 400, err_code: 10144, description: 'source with multiple subject transforms cannot also have a single subject filter' }, // JSSourceMultipleFiltersNotAllowed
  SourceInvalidSubjectFilter: { code: 400, err_code: 10145, description: 'source transform source: {err}' }, // JSSourceInvalidSubjectFilter
  SourceInvalidTransformDestination: { code: 400, err_code: 10146, description: 'source transform: {err}' }, // JSSourceInvalidTransformDestination
  SourceOverlappingSubjectFilters: { code: 400, err_code: 10147, description: 'source filters can not overlap' }, // JSSourceOverlappingSubjectFilters
  ConsumerAlreadyExists: { code: 400, err_code: 10148, description: 'consumer already exists' }, // JSConsumerAlreadyExists
  ConsumerDoesNotExist: { code: 400, err_code: 10149, description: 'consumer does not exist' }, // JSConsumerDoesNotExist
  MirrorMultipleFiltersNotAllowed: { code: 400, err_code: 10150, description: 'mirror with multiple subject transforms cannot also have a single subject filter' }, // JSMirrorMultipleFiltersNotAllowed
  MirrorInvalidSubjectFilter: { code: 400, err_code: 10151, description: 'mirror transform source: {err}' }, // JSMirrorInvalidSubjectFilter
  MirrorOverlappingSubjectFilters: { code: 400, err_code: 10152, description: 'mirror subject filters can not overlap' }, // JSMirrorOverlappingSubjectFilters
  ConsumerInactiveThresholdExcess: { code: 400, err_code: 10153, description: 'consumer inactive threshold exceeds system limit of {limit}' }, // JSConsumerInactiveThresholdExcess
  MirrorInvalidTransformDestination: { code: 400, err_code: 10154, description: 'mirror transform: {err}' }, // JSMirrorInvalidTransformDestination
  StreamTransformInvalidSource: { code: 400, err_code: 10155, description: 'stream transform source: {err}' }, // JSStreamTransformInvalidSource
  StreamTransformInvalidDestination: { code: 400, err_code: 10156, description: 'stream transform: {err}' }, // JSStreamTransformInvalidDestination
  Pedantic: { code: 400, err_code: 10157, description: 'pedantic mode: {err}' }, // JSPedanticErrF
  StreamDuplicateMessageConflict: { code: 409, err_code: 10158, description: 'duplicate message id is in process' }, // JSStreamDuplicateMessageConflict
  ConsumerPriorityPolicyWithoutGroup: { code: 400, err_code: 10159, description: 'Setting PriorityPolicy requires at least one PriorityGroup to be set' }, // JSConsumerPriorityPolicyWithoutGroup
  ConsumerInvalidPriorityGroup: { code: 400, err_code: 10160, description: 'Provided priority group does not exist for this consumer' }, // JSConsumerInvalidPriorityGroupErr
  ConsumerEmptyGroupName: { code: 400, err_code: 10161, description: 'Group name cannot be an empty string' }, // JSConsumerEmptyGroupName
  ConsumerInvalidGroupName: { code: 400, err_code: 10162, description: 'Valid priority group name must match A-Z, a-z, 0-9, -_/=)+ and may not exceed 16 characters' }, // JSConsumerInvalidGroupNameErr
  StreamExpectedLastSeqPerSubjectNotReady: { code: 503, err_code: 10163, description: 'expected last sequence per subject temporarily unavailable' }, // JSStreamExpectedLastSeqPerSubjectNotReady
  StreamWrongLastSequenceConstant: { code: 400, err_code: 10164, description: 'wrong last sequence' }, // JSStreamWrongLastSequenceConstantErr
  MessageTTLInvalid: { code: 400, err_code: 10165, description: 'invalid per-message TTL' }, // JSMessageTTLInvalidErr
  MessageTTLDisabled: { code: 400, err_code: 10166, description: 'per-message TTL is disabled' }, // JSMessageTTLDisabledErr
  StreamTooManyRequests: { code: 429, err_code: 10167, description: 'too many requests' }, // JSStreamTooManyRequests
  MessageIncrDisabled: { code: 400, err_code: 10168, description: 'message counters is disabled' }, // JSMessageIncrDisabledErr
  MessageIncrMissing: { code: 400, err_code: 10169, description: 'message counter increment is missing' }, // JSMessageIncrMissingErr
  MessageIncrPayload: { code: 400, err_code: 10170, description: 'message counter has payload' }, // JSMessageIncrPayloadErr
  MessageIncrInvalid: { code: 400, err_code: 10171, description: 'message counter increment is invalid' }, // JSMessageIncrInvalidErr
  MessageCounterBroken: { code: 400, err_code: 10172, description: 'message counter is broken' }, // JSMessageCounterBrokenErr
  MirrorWithCounters: { code: 400, err_code: 10173, description: 'stream mirrors can not also calculate counters' }, // JSMirrorWithCountersErr
  AtomicPublishDisabled: { code: 400, err_code: 10174, description: 'atomic publish is disabled' }, // JSAtomicPublishDisabledErr
  AtomicPublishMissingSeq: { code: 400, err_code: 10175, description: 'atomic publish sequence is missing' }, // JSAtomicPublishMissingSeqErr
  AtomicPublishIncompleteBatch: { code: 400, err_code: 10176, description: 'atomic publish batch is incomplete' }, // JSAtomicPublishIncompleteBatchErr
  AtomicPublishUnsupportedHeaderBatch: { code: 400, err_code: 10177, description: 'atomic publish unsupported header used: {header}' }, // JSAtomicPublishUnsupportedHeaderBatchErr
  ConsumerPushWithPriorityGroup: { code: 400, err_code: 10178, description: 'priority groups can not be used with push consumers' }, // JSConsumerPushWithPriorityGroupErr
  AtomicPublishInvalidBatchID: { code: 400, err_code: 10179, description: 'atomic publish batch ID is invalid' }, // JSAtomicPublishInvalidBatchIDErr
  StreamMinLastSeq: { code: 412, err_code: 10180, description: 'min last sequence' }, // JSStreamMinLastSeqErr
  ConsumerAckPolicyInvalid: { code: 400, err_code: 10181, description: 'consumer ack policy invalid' }, // JSConsumerAckPolicyInvalidErr
  ConsumerReplayPolicyInvalid: { code: 400, err_code: 10182, description: 'consumer replay policy invalid' }, // JSConsumerReplayPolicyInvalidErr
  ConsumerAckWaitNegative: { code: 400, err_code: 10183, description: 'consumer ack wait needs to be positive' }, // JSConsumerAckWaitNegativeErr
  ConsumerBackOffNegative: { code: 400, err_code: 10184, description: 'consumer backoff needs to be positive' }, // JSConsumerBackOffNegativeErr
  RequiredApiLevel: { code: 412, err_code: 10185, description: 'JetStream minimum api level required' }, // JSRequiredApiLevelErr
  MirrorWithMsgSchedules: { code: 400, err_code: 10186, description: 'stream mirrors can not also schedule messages' }, // JSMirrorWithMsgSchedulesErr
  SourceWithMsgSchedules: { code: 400, err_code: 10187, description: 'stream source can not also schedule messages' }, // JSSourceWithMsgSchedulesErr
  MessageSchedulesDisabled: { code: 400, err_code: 10188, description: 'message schedules is disabled' }, // JSMessageSchedulesDisabledErr
  MessageSchedulesPatternInvalid: { code: 400, err_code: 10189, description: 'message schedules pattern is invalid' }, // JSMessageSchedulesPatternInvalidErr
  MessageSchedulesTargetInvalid: { code: 400, err_code: 10190, description: 'message schedules target is invalid' }, // JSMessageSchedulesTargetInvalidErr
  MessageSchedulesTTLInvalid: { code: 400, err_code: 10191, description: 'message schedules invalid per-message TTL' }, // JSMessageSchedulesTTLInvalidErr
  MessageSchedulesRollupInvalid: { code: 400, err_code: 10192, description: 'message schedules invalid rollup' }, // JSMessageSchedulesRollupInvalidErr
  StreamExpectedLastSeqPerSubjectInvalid: { code: 400, err_code: 10193, description: 'missing sequence for expected last sequence per subject' }, // JSStreamExpectedLastSeqPerSubjectInvalid
  StreamOfflineReason: { code: 500, err_code: 10194, description: 'stream is offline: {err}' }, // JSStreamOfflineReasonErrF
  ConsumerOfflineReason: { code: 500, err_code: 10195, description: 'consumer is offline: {err}' }, // JSConsumerOfflineReasonErrF
  ConsumerPriorityGroupWithPolicyNone: { code: 400, err_code: 10196, description: 'consumer can not have priority groups when policy is none' }, // JSConsumerPriorityGroupWithPolicyNone
  ConsumerPinnedTTLWithoutPriorityPolicyNone: { code: 400, err_code: 10197, description: 'PinnedTTL cannot be set when PriorityPolicy is none' }, // JSConsumerPinnedTTLWithoutPriorityPolicyNone
  MirrorWithAtomicPublish: { code: 400, err_code: 10198, description: 'stream mirrors can not also use atomic publishing' }, // JSMirrorWithAtomicPublishErr
  AtomicPublishTooLargeBatch: { code: 400, err_code: 10199, description: 'atomic publish batch is too large: {size}' }, // JSAtomicPublishTooLargeBatchErrF
  AtomicPublishInvalidBatchCommit: { code: 400, err_code: 10200, description: 'atomic publish batch commit is invalid' }, // JSAtomicPublishInvalidBatchCommitErr
  AtomicPublishContainsDuplicateMessage: { code: 400, err_code: 10201, description: 'atomic publish batch contains duplicate message id' }, // JSAtomicPublishContainsDuplicateMessageErr
  ClusterServerMemberChangeInflight: { code: 400, err_code: 10202, description: 'cluster member change is in progress' }, // JSClusterServerMemberChangeInflightErr
  MessageSchedulesSourceInvalid: { code: 400, err_code: 10203, description: 'message schedules source is invalid' }, // JSMessageSchedulesSourceInvalidErr
  ConsumerInvalidReset: { code: 400, err_code: 10204, description: 'invalid reset: {err}' }, // JSConsumerInvalidResetErr
  BatchPublishDisabled: { code: 400, err_code: 10205, description: 'batch publish is disabled' }, // JSBatchPublishDisabledErr
  BatchPublishInvalidPattern: { code: 400, err_code: 10206, description: 'batch publish pattern is invalid' }, // JSBatchPublishInvalidPatternErr
  BatchPublishInvalidBatchID: { code: 400, err_code: 10207, description: 'batch publish ID is invalid' }, // JSBatchPublishInvalidBatchIDErr
  BatchPublishUnknownBatchID: { code: 400, err_code: 10208, description: 'batch publish ID unknown' }, // JSBatchPublishUnknownBatchIDErr
  MirrorWithBatchPublish: { code: 400, err_code: 10209, description: 'stream mirrors can not also use batch publishing' }, // JSMirrorWithBatchPublishErr
  AtomicPublishTooManyInflight: { code: 429, err_code: 10210, description: 'atomic publish too many inflight' }, // JSAtomicPublishTooManyInflight
  BatchPublishTooManyInflight: { code: 429, err_code: 10211, description: 'batch publish too many inflight' }, // JSBatchPublishTooManyInflight
  MessageSchedulesSchedulerInvalid: { code: 400, err_code: 10212, description: 'message schedules invalid scheduler' }, // JSMessageSchedulesSchedulerInvalidErr
  MirrorDurableConsumerCfgInvalid: { code: 400, err_code: 10213, description: 'stream mirror consumer config is invalid' }, // JSMirrorDurableConsumerCfgInvalid
  MirrorConsumerRequiresAckFC: { code: 400, err_code: 10214, description: 'stream mirror consumer requires flow control ack policy' }, // JSMirrorConsumerRequiresAckFCErr
  SourceDurableConsumerCfgInvalid: { code: 400, err_code: 10215, description: 'stream source consumer config is invalid' }, // JSSourceDurableConsumerCfgInvalid
  SourceDurableConsumerDuplicateDetected: { code: 400, err_code: 10216, description: 'duplicate stream source consumer detected' }, // JSSourceDurableConsumerDuplicateDetected
  SourceConsumerRequiresAckFC: { code: 400, err_code: 10217, description: 'stream source consumer requires flow control ack policy' }, // JSSourceConsumerRequiresAckFCErr
  ConsumerAckFCRequiresPush: { code: 400, err_code: 10218, description: 'flow control ack policy requires a push based consumer' }, // JSConsumerAckFCRequiresPushErr
  ConsumerAckFCRequiresFC: { code: 400, err_code: 10219, description: 'flow control ack policy requires flow control' }, // JSConsumerAckFCRequiresFCErr
  ConsumerAckFCRequiresMaxAckPending: { code: 400, err_code: 10220, description: 'flow control ack policy requires max ack pending' }, // JSConsumerAckFCRequiresMaxAckPendingErr
  ConsumerAckFCRequiresNoAckWait: { code: 400, err_code: 10221, description: 'flow control ack policy requires unset ack wait' }, // JSConsumerAckFCRequiresNoAckWaitErr
  ConsumerAckFCRequiresNoMaxDeliver: { code: 400, err_code: 10222, description: 'flow control ack policy requires unset max deliver' }, // JSConsumerAckFCRequiresNoMaxDeliverErr
  MessageSchedulesTimeZoneInvalid: { code: 400, err_code: 10223, description: 'message schedules time zone is invalid' }, // JSMessageSchedulesTimeZoneInvalidErr
  ClusterRescue: { code: 400, err_code: 10224, description: 'JetStream system rescue not applied: {err}' }, // JSClusterRescueErr
  ConsumerStreamIdentityMismatch: { code: 400, err_code: 10225, description: 'consumer\'s stream identity does not match: {msg}' }, // JSConsumerStreamIdentityMismatchF
  StreamReconfigureInProgress: { code: 400, err_code: 10226, description: 'stream reconfiguration already in progress' }, // JSStreamReconfigureInProgressErr
} as const satisfies Record<string, JsApiError>;

export type JsApiErrorName = keyof typeof JsApiErrors;

/** The last err_code nats-server 2.9.10 knows; higher ones are from later versions. */
export const LAST_ERR_CODE_IN_2_9_10 = 10133;

const byErrCode = new Map<number, JsApiErrorName>(
  (Object.keys(JsApiErrors) as JsApiErrorName[]).map((name) => [JsApiErrors[name].err_code, name]),
);

/** The table entry's name for a numeric err_code (undefined when unknown). */
export function apiErrorName(errCode: number): JsApiErrorName | undefined {
  return byErrCode.get(errCode);
}

/**
 * A fresh `{code, err_code, description}` for one error, its `{placeholders}` filled from `params`
 * (e.g. `apiError('StreamCreate', { err: 'subjects overlap' })`). Placeholders without a value stay as written.
 */
export function apiError(name: JsApiErrorName, params: Record<string, string | number | bigint> = {}): JsApiError {
  const entry: JsApiError = JsApiErrors[name];
  const description = entry.description.replace(/\{(\w+)\}/g, (whole, key: string) =>
    Object.prototype.hasOwnProperty.call(params, key) ? String(params[key]) : whole,
  );
  return { code: entry.code, err_code: entry.err_code, description };
}

/** The API response body nats-server sends for an error: `{"type":..., "error":{...}}` (type only when the endpoint has one). */
export function apiErrorResponse(type: string | undefined, name: JsApiErrorName, params?: Record<string, string | number | bigint>): { type?: string; error: JsApiError } {
  return type === undefined ? { error: apiError(name, params) } : { type, error: apiError(name, params) };
}
