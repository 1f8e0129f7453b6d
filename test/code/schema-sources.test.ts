import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { definitionsFromModel, definitionsFromPrisma, definitionsFromSql, tableKey } from '../../src/code/schema-sources.js';
import { build } from './model-helpers.js';

const shape = (defs: { name: string; keys: string[]; line: number; source: string }[]) =>
  defs.map((d) => [d.source, d.name, d.keys, d.line]);

describe('schema sources', () => {
  it('reads CREATE TABLE from SQL, skipping temporary tables and comments', () => {
    const sql = `-- CREATE TABLE commented_out (id int);
CREATE TABLE orders (id uuid);
create table if not exists "billing"."Invoices" (id uuid);
CREATE TEMP TABLE scratch (id int);
CREATE UNLOGGED TABLE events_raw (id int);
`;
    assert.deepEqual(shape(definitionsFromSql('m.sql', sql)), [
      ['sql', 'orders', ['orders'], 2],
      ['sql', 'Invoices', ['invoices'], 3],
      ['sql', 'events_raw', ['events_raw'], 5],
    ]);
  });

  it('reads Prisma models with @@map', () => {
    const prisma = `model OrderItem {
  id String @id
  @@map("order_items")
}

model Customer {
  id String @id
}
`;
    assert.deepEqual(shape(definitionsFromPrisma('schema.prisma', prisma)), [
      ['prisma', 'OrderItem', ['order_item', 'order_items'], 1],
      ['prisma', 'Customer', ['customer'], 6],
    ]);
  });

  it('reads TypeORM, sequelize, drizzle, knex and mongoose definitions through their imports', () => {
    const model = build(`import { Entity } from 'typeorm';
import { Table, Model } from 'sequelize-typescript';
import { Sequelize, Model as SModel } from 'sequelize';
import { pgTable, text } from 'drizzle-orm/pg-core';
import mongoose from 'mongoose';
import type { Knex } from 'knex';

@Entity('shipments')
export class Shipment {}

@Entity()
export class ReturnLabel {}

@Table({ tableName: 'refunds' })
export class Refund extends Model {}

const sequelize = new Sequelize('postgres://x');
sequelize.define('Payment', {}, { tableName: 'payments' });
class Coupon extends SModel {}
Coupon.init({}, { sequelize, tableName: 'coupons' });

export const products = pgTable('products', { id: text('id') });

export const Review = mongoose.model('Review', new mongoose.Schema({}), 'product_reviews');

export async function up(knex: Knex) {
  await knex.schema.createTable('carts', () => {});
  await knex.raw('CREATE TABLE wishlists (id int)');
}

class NotAnEntity {}
`);
    assert.deepEqual(shape(definitionsFromModel(model)), [
      ['typeorm', 'shipments', ['shipments', 'shipment'], 9],
      ['typeorm', 'ReturnLabel', ['return_label'], 12],
      ['sequelize', 'refunds', ['refunds', 'refund'], 15],
      ['sequelize', 'Payment', ['payment', 'payments'], 18],
      ['sequelize', 'Coupon', ['coupon', 'coupons'], 20],
      ['drizzle', 'products', ['products'], 22],
      ['mongoose', 'Review', ['review', 'product_reviews'], 24],
      ['knex', 'carts', ['carts'], 27],
      ['sql', 'wishlists', ['wishlists'], 28],
    ]);
  });

  it('ignores look-alikes that do not come from an ORM', () => {
    const model = build(`function Entity(name: string) { return (c: unknown) => c; }
function pgTable(name: string) { return name; }
@Entity('fake')
export class Fake {}
export const t = pgTable('also_fake');
`);
    assert.deepEqual(definitionsFromModel(model), []);
  });

  it('normalises names to snake_case keys', () => {
    assert.equal(tableKey('"public"."OrderItems"'), 'order_items');
    assert.equal(tableKey('outboxEvent'), 'outbox_event');
  });
});
