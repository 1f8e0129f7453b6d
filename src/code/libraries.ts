// Library knowledge (rules.md §2.1, §2.3, §2.6): which imports, constructors, factory calls and
// type annotations give a value a role, and which methods of a role are sinks. Keys are
// `module#Export.Path` where a default or namespace import contributes an empty path, so
// `import pg from 'pg'; new pg.Pool()` and `import { Pool } from 'pg'; new Pool()` both read `pg#Pool`.

export type Role =
  | 'kafka.client' | 'kafka.producer' | 'kafka.consumer' | 'kafka.transaction'
  | 'rdkafka.producer' | 'rdkafka.consumer'
  | 'amqp.module' | 'amqp.connection' | 'amqp.channel'
  | 'sqs.client' | 'sns.client' | 'eventbridge.client' | 'sqs.v2' | 'sns.v2'
  | 'pubsub.client' | 'pubsub.topic' | 'pubsub.subscription'
  | 'nats.conn' | 'nats.js' | 'nats.jsm' | 'nats.sub' | 'nats.consumers' | 'nats.jsconsumer' | 'nats.messages'
  | 'bullmq.queue' | 'bullmq.flow' | 'bullmq.worker'
  | 'redis'
  | 'prisma' | 'prisma.tx' | 'prisma.delegate'
  | 'typeorm.ds' | 'typeorm.manager' | 'typeorm.repo' | 'typeorm.qr'
  | 'mongoose.model' | 'mongoose.doc' | 'mongoose.session' | 'mongoose.conn'
  | 'pg.pool' | 'pg.client'
  | 'mysql'
  | 'knex'
  | 'sequelize' | 'sequelize.model' | 'sequelize.instance' | 'sequelize.tx'
  | 'drizzle.db'
  | 'nest.client'
  | 'amqpcm.module' | 'amqpcm.connection' | 'amqpcm.channel';

/** `new X(...)` where X resolves to this import key. */
export const CONSTRUCTORS: Record<string, Role> = {
  'kafkajs#Kafka': 'kafka.client',
  '@confluentinc/kafka-javascript#KafkaJS.Kafka': 'kafka.client',
  'node-rdkafka#Producer': 'rdkafka.producer',
  'node-rdkafka#HighLevelProducer': 'rdkafka.producer',
  '@confluentinc/kafka-javascript#Producer': 'rdkafka.producer',
  '@confluentinc/kafka-javascript#HighLevelProducer': 'rdkafka.producer',
  'node-rdkafka#KafkaConsumer': 'rdkafka.consumer',
  '@confluentinc/kafka-javascript#KafkaConsumer': 'rdkafka.consumer',
  '@aws-sdk/client-sqs#SQSClient': 'sqs.client',
  '@aws-sdk/client-sqs#SQS': 'sqs.client',
  '@aws-sdk/client-sns#SNSClient': 'sns.client',
  '@aws-sdk/client-sns#SNS': 'sns.client',
  '@aws-sdk/client-eventbridge#EventBridgeClient': 'eventbridge.client',
  'aws-sdk#SQS': 'sqs.v2',
  'aws-sdk#SNS': 'sns.v2',
  'aws-sdk/clients/sqs#': 'sqs.v2',
  'aws-sdk/clients/sns#': 'sns.v2',
  '@google-cloud/pubsub#PubSub': 'pubsub.client',
  'bullmq#Queue': 'bullmq.queue',
  'bullmq#FlowProducer': 'bullmq.flow',
  'bullmq#Worker': 'bullmq.worker',
  'ioredis#': 'redis',
  'ioredis#Redis': 'redis',
  'ioredis#Cluster': 'redis',
  '@prisma/client#PrismaClient': 'prisma',
  'typeorm#DataSource': 'typeorm.ds',
  'typeorm#Connection': 'typeorm.ds',
  'pg#Pool': 'pg.pool',
  'pg#Client': 'pg.client',
  'sequelize#Sequelize': 'sequelize',
  '@sequelize/core#Sequelize': 'sequelize',
};

/** `f(...)` where f resolves to this import key (factory functions). */
export const FACTORY_CALLS: Record<string, Role> = {
  'amqplib#connect': 'amqp.connection',
  'amqplib/callback_api#connect': 'amqp.connection',
  'amqp-connection-manager#connect': 'amqpcm.connection',
  'nats#connect': 'nats.conn',
  '@nats-io/transport-node#connect': 'nats.conn',
  '@nats-io/jetstream#jetstream': 'nats.js',
  '@nats-io/jetstream#jetstreamManager': 'nats.jsm',
  'redis#createClient': 'redis',
  'redis#createCluster': 'redis',
  'mysql2#createPool': 'mysql',
  'mysql2#createConnection': 'mysql',
  'mysql2/promise#createPool': 'mysql',
  'mysql2/promise#createConnection': 'mysql',
  'knex#': 'knex',
  'knex#knex': 'knex',
  'knex#default': 'knex',
  'mongoose#model': 'mongoose.model',
  'mongoose#createConnection': 'mongoose.conn',
  'mongoose#startSession': 'mongoose.session',
  'drizzle-orm/node-postgres#drizzle': 'drizzle.db',
  'drizzle-orm/postgres-js#drizzle': 'drizzle.db',
  'drizzle-orm/mysql2#drizzle': 'drizzle.db',
  'drizzle-orm/neon-http#drizzle': 'drizzle.db',
  'drizzle-orm/better-sqlite3#drizzle': 'drizzle.db',
  'drizzle-orm/libsql#drizzle': 'drizzle.db',
  'typeorm#getRepository': 'typeorm.repo',
  'typeorm#getManager': 'typeorm.manager',
};

/** A module imported as a whole (default / namespace) that is itself a role. */
export const MODULE_ROLES: Record<string, Role> = {
  'amqplib#': 'amqp.module',
  'amqplib/callback_api#': 'amqp.module',
  // amqp-connection-manager wraps amqplib: its ChannelWrapper publishes like a channel, but with
  // confirms on and prefetch set in its setup callback, so it is a role of its own.
  'amqp-connection-manager#': 'amqpcm.module',
};

/** `x.m(...)` where x has role R: the result's role. Key `R.m`. */
export const DERIVED_CALLS: Record<string, Role> = {
  'kafka.client.producer': 'kafka.producer',
  'kafka.client.consumer': 'kafka.consumer',
  'kafka.producer.transaction': 'kafka.transaction',
  'amqp.module.connect': 'amqp.connection',
  'amqpcm.module.connect': 'amqpcm.connection',
  'amqpcm.connection.createChannel': 'amqpcm.channel',
  'amqp.connection.createChannel': 'amqp.channel',
  'amqp.connection.createConfirmChannel': 'amqp.channel',
  'pubsub.client.topic': 'pubsub.topic',
  'pubsub.client.subscription': 'pubsub.subscription',
  'pubsub.topic.subscription': 'pubsub.subscription',
  'nats.conn.jetstream': 'nats.js',
  'nats.conn.jetstreamManager': 'nats.jsm',
  'nats.conn.subscribe': 'nats.sub',
  'nats.js.subscribe': 'nats.sub',
  'nats.js.pullSubscribe': 'nats.sub',
  'nats.consumers.get': 'nats.jsconsumer',
  'nats.jsconsumer.consume': 'nats.messages',
  'nats.jsconsumer.fetch': 'nats.messages',
  'pg.pool.connect': 'pg.client',
  'mysql.getConnection': 'mysql',
  'mysql.promise': 'mysql',
  'typeorm.ds.getRepository': 'typeorm.repo',
  'typeorm.ds.createQueryRunner': 'typeorm.qr',
  'typeorm.manager.getRepository': 'typeorm.repo',
  'typeorm.repo.extend': 'typeorm.repo',
  'mongoose.conn.model': 'mongoose.model',
  'mongoose.conn.startSession': 'mongoose.session',
  'sequelize.define': 'sequelize.model',
  'sequelize.model.findByPk': 'sequelize.instance',
  'sequelize.model.findOne': 'sequelize.instance',
  'sequelize.model.build': 'sequelize.instance',
  'mongoose.model.findById': 'mongoose.doc',
  'mongoose.model.findOne': 'mongoose.doc',
  'redis.duplicate': 'redis',
  'prisma.$extends': 'prisma',
};

/** `x.p` (no call) where x has role R. Key `R.p`; `*` matches any property (prisma model delegates). */
export const DERIVED_PROPERTIES: Record<string, Role> = {
  'typeorm.ds.manager': 'typeorm.manager',
  'typeorm.qr.manager': 'typeorm.manager',
  'mongoose.model.db': 'mongoose.conn',
  'nats.js.consumers': 'nats.consumers',
};

/** Type annotations naming a library type (rules.md §2.1 item 3). */
export const TYPE_ROLES: Record<string, Role> = {
  'kafkajs#Producer': 'kafka.producer',
  'kafkajs#Consumer': 'kafka.consumer',
  'kafkajs#Transaction': 'kafka.transaction',
  'kafkajs#Kafka': 'kafka.client',
  'amqplib#Channel': 'amqp.channel',
  'amqplib#ConfirmChannel': 'amqp.channel',
  'amqplib#Connection': 'amqp.connection',
  'amqplib#ChannelModel': 'amqp.connection',
  'amqp-connection-manager#ChannelWrapper': 'amqpcm.channel',
  'amqp-connection-manager#AmqpConnectionManager': 'amqpcm.connection',
  'amqp-connection-manager#IAmqpConnectionManager': 'amqpcm.connection',
  // NestJS microservice clients: `emit` is the fire-and-forget event publish (`send` is request-reply).
  '@nestjs/microservices#ClientProxy': 'nest.client',
  '@nestjs/microservices#ClientKafka': 'nest.client',
  '@nestjs/microservices#ClientKafkaProxy': 'nest.client',
  '@nestjs/microservices#ClientRMQ': 'nest.client',
  '@nestjs/microservices#ClientNats': 'nest.client',
  '@nestjs/microservices#ClientRedis': 'nest.client',
  '@nestjs/microservices#ClientMqtt': 'nest.client',
  '@aws-sdk/client-sqs#SQSClient': 'sqs.client',
  '@aws-sdk/client-sns#SNSClient': 'sns.client',
  '@aws-sdk/client-eventbridge#EventBridgeClient': 'eventbridge.client',
  '@google-cloud/pubsub#PubSub': 'pubsub.client',
  '@google-cloud/pubsub#Topic': 'pubsub.topic',
  '@google-cloud/pubsub#Subscription': 'pubsub.subscription',
  'nats#NatsConnection': 'nats.conn',
  'nats#JetStreamClient': 'nats.js',
  'nats#Consumer': 'nats.jsconsumer',
  'node-rdkafka#KafkaConsumer': 'rdkafka.consumer',
  'bullmq#Worker': 'bullmq.worker',
  'bullmq#Queue': 'bullmq.queue',
  'bullmq#FlowProducer': 'bullmq.flow',
  'ioredis#': 'redis',
  'ioredis#Redis': 'redis',
  'redis#RedisClientType': 'redis',
  'pg#Pool': 'pg.pool',
  'pg#PoolClient': 'pg.client',
  'pg#Client': 'pg.client',
  'mysql2#Pool': 'mysql',
  'mysql2#Connection': 'mysql',
  'mysql2#PoolConnection': 'mysql',
  'mysql2/promise#Pool': 'mysql',
  'mysql2/promise#Connection': 'mysql',
  'mysql2/promise#PoolConnection': 'mysql',
  '@prisma/client#PrismaClient': 'prisma',
  '@prisma/client#Prisma.TransactionClient': 'prisma.tx',
  'typeorm#DataSource': 'typeorm.ds',
  'typeorm#EntityManager': 'typeorm.manager',
  'typeorm#Repository': 'typeorm.repo',
  'typeorm#QueryRunner': 'typeorm.qr',
  'mongoose#Model': 'mongoose.model',
  'mongoose#ClientSession': 'mongoose.session',
  'mongoose#Connection': 'mongoose.conn',
  'knex#Knex': 'knex',
  'knex#Knex.Transaction': 'knex',
  'sequelize#Sequelize': 'sequelize',
  'sequelize#Transaction': 'sequelize.tx',
  'sequelize#ModelStatic': 'sequelize.model',
  'drizzle-orm/node-postgres#NodePgDatabase': 'drizzle.db',
  'drizzle-orm/pg-core#PgTransaction': 'drizzle.db',
  'drizzle-orm/pg-core#PgDatabase': 'drizzle.db',
  'drizzle-orm/mysql2#MySql2Database': 'drizzle.db',
};

/** `class X extends Base` makes X (the class value) a role: sequelize and mongoose-less ORMs. */
export const BASE_CLASS_ROLES: Record<string, Role> = {
  'sequelize#Model': 'sequelize.model',
  '@sequelize/core#Model': 'sequelize.model',
  '@prisma/client#PrismaClient': 'prisma',
};

/** Callback parameters whose role the library fixes. Key `R.method`; value: role of param 0. */
export const TRANSACTION_CALLBACKS: Record<string, Role | null> = {
  'prisma.$transaction': 'prisma.tx',
  'typeorm.ds.transaction': 'typeorm.manager',
  'typeorm.manager.transaction': 'typeorm.manager',
  'knex.transaction': 'knex',
  'sequelize.transaction': 'sequelize.tx',
  'drizzle.db.transaction': 'drizzle.db',
  'mongoose.session.withTransaction': 'mongoose.session',
  'mongoose.conn.transaction': 'mongoose.session',
  'mongoose.model.db.transaction': 'mongoose.session',
};

/** Method names that make a callback argument a transaction body, for region merging. */
export const TRANSACTION_METHOD_NAMES = new Set(['$transaction', 'transaction', 'withTransaction']);

/** Name fallback (rules.md §2.1 item 4): downgrades a finding to Medium. */
export const NAME_FALLBACKS: { pattern: RegExp; role: Role }[] = [
  { pattern: /producer$/i, role: 'kafka.producer' },
  { pattern: /^(ch|channel|amqpChannel)$/, role: 'amqp.channel' },
  { pattern: /^prisma(Service|Client)?$/i, role: 'prisma' },
  { pattern: /^(tx|trx)$/, role: 'prisma.tx' },
  { pattern: /^queryRunner$/, role: 'typeorm.qr' },
  { pattern: /(repo|repository)$/i, role: 'typeorm.repo' },
  { pattern: /^redis/i, role: 'redis' },
];

export type EffectKind = 'publish' | 'dbWrite';

/** Sink methods per role (rules.md §2.3 publish sinks, §2.6 write calls). */
export const SINK_METHODS: Partial<Record<Role, Record<string, EffectKind>>> = {
  'kafka.producer': { send: 'publish', sendBatch: 'publish' },
  'kafka.transaction': { send: 'publish', sendBatch: 'publish' },
  'rdkafka.producer': { produce: 'publish' },
  'amqp.channel': { publish: 'publish', sendToQueue: 'publish' },
  'nest.client': { emit: 'publish' },
  'amqpcm.channel': { publish: 'publish', sendToQueue: 'publish' },
  'sqs.v2': { sendMessage: 'publish', sendMessageBatch: 'publish' },
  'sns.v2': { publish: 'publish', publishBatch: 'publish' },
  'pubsub.topic': { publishMessage: 'publish', publish: 'publish', publishJSON: 'publish' },
  'nats.conn': { publish: 'publish' },
  'nats.js': { publish: 'publish' },
  'bullmq.queue': { add: 'publish', addBulk: 'publish' },
  'bullmq.flow': { add: 'publish', addBulk: 'publish' },
  redis: { xadd: 'publish', xAdd: 'publish', publish: 'publish' },
  'prisma.delegate': {
    create: 'dbWrite', createMany: 'dbWrite', createManyAndReturn: 'dbWrite', update: 'dbWrite',
    updateMany: 'dbWrite', upsert: 'dbWrite', delete: 'dbWrite', deleteMany: 'dbWrite',
  },
  prisma: { $executeRaw: 'dbWrite', $executeRawUnsafe: 'dbWrite' },
  'prisma.tx': { $executeRaw: 'dbWrite', $executeRawUnsafe: 'dbWrite' },
  'typeorm.repo': {
    save: 'dbWrite', insert: 'dbWrite', update: 'dbWrite', delete: 'dbWrite', remove: 'dbWrite',
    softDelete: 'dbWrite', softRemove: 'dbWrite', upsert: 'dbWrite', increment: 'dbWrite', decrement: 'dbWrite',
  },
  'typeorm.manager': {
    save: 'dbWrite', insert: 'dbWrite', update: 'dbWrite', delete: 'dbWrite', remove: 'dbWrite',
    softDelete: 'dbWrite', softRemove: 'dbWrite', upsert: 'dbWrite', increment: 'dbWrite', decrement: 'dbWrite',
  },
  'mongoose.model': {
    create: 'dbWrite', insertMany: 'dbWrite', updateOne: 'dbWrite', updateMany: 'dbWrite',
    findOneAndUpdate: 'dbWrite', findByIdAndUpdate: 'dbWrite', replaceOne: 'dbWrite', deleteOne: 'dbWrite',
    deleteMany: 'dbWrite', bulkWrite: 'dbWrite', findOneAndDelete: 'dbWrite', findByIdAndDelete: 'dbWrite',
  },
  'mongoose.doc': { save: 'dbWrite', deleteOne: 'dbWrite', updateOne: 'dbWrite' },
  'sequelize.instance': { save: 'dbWrite', update: 'dbWrite', destroy: 'dbWrite', increment: 'dbWrite', decrement: 'dbWrite', },
  'sequelize.model': {
    create: 'dbWrite', bulkCreate: 'dbWrite', update: 'dbWrite', destroy: 'dbWrite', upsert: 'dbWrite',
    increment: 'dbWrite', decrement: 'dbWrite',
  },
};

/** Roles whose `query` / `execute` write when the SQL text is a write statement. */
export const SQL_ROLES = new Set<Role>(['pg.pool', 'pg.client', 'mysql', 'typeorm.ds', 'typeorm.manager', 'typeorm.qr']);

/** Knex query-builder terminal write methods. */
export const KNEX_WRITES = new Set(['insert', 'update', 'del', 'delete', 'upsert', 'increment', 'decrement']);

/** AWS SDK v3 commands that publish, by import key. */
export const PUBLISH_COMMANDS: Record<string, { library: string; channelKey: string }> = {
  '@aws-sdk/client-sqs#SendMessageCommand': { library: 'sqs', channelKey: 'QueueUrl' },
  '@aws-sdk/client-sqs#SendMessageBatchCommand': { library: 'sqs', channelKey: 'QueueUrl' },
  '@aws-sdk/client-sns#PublishCommand': { library: 'sns', channelKey: 'TopicArn' },
  '@aws-sdk/client-sns#PublishBatchCommand': { library: 'sns', channelKey: 'TopicArn' },
  '@aws-sdk/client-eventbridge#PutEventsCommand': { library: 'eventbridge', channelKey: 'DetailType' },
};

/** The library a role belongs to, for messages and facts. */
export function libraryOf(role: Role): string {
  const head = role.split('.')[0]!;
  return head === 'rdkafka' ? 'node-rdkafka' : head === 'amqp' ? 'amqplib' : head === 'nest' ? '@nestjs/microservices' : head === 'amqpcm' ? 'amqp-connection-manager' : head;
}
