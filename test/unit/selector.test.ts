// Label selectors on dump objects behave like the API server's.

import test from 'ava';
import { labelMatcher } from '../../src/core/model/selector.ts';

const labels = { team: 'ml', tier: 'prod', owner_HostingDeployment_name: 'host-xgboost' };

test('equality, inequality, existence and set terms combine with AND', (t) => {
  t.true(labelMatcher('team=ml')(labels));
  t.true(labelMatcher('team==ml,tier!=dev')(labels));
  t.true(labelMatcher('owner_HostingDeployment_name')(labels));
  t.false(labelMatcher('!owner_HostingDeployment_name')(labels));
  t.true(labelMatcher('tier in (prod, staging),team notin (web)')(labels));
  t.false(labelMatcher('team=ml,tier=dev')(labels));
  t.false(labelMatcher('team=ml')(undefined));
  t.true(labelMatcher(undefined)(undefined));
});

test('a malformed selector is a usage error', (t) => {
  t.throws(() => labelMatcher('team=(ml'), { message: /invalid label selector term/ });
});
