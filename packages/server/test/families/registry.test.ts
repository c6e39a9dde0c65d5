import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TASK_TYPES } from '../../src/domain/task-types.ts';
import { FAMILIES, LABELABLE_TASK_TYPES, familyOf, indexFamilies } from '../../src/families/index.ts';
import type { TaskFamily } from '../../src/families/types.ts';

describe('the task family registry', () => {
  it('gives every task type of the contract exactly one family', () => {
    for (const type of TASK_TYPES) {
      const owners = FAMILIES.filter((family) => family.taskTypes.includes(type)).map((family) => family.id);
      assert.equal(owners.length, 1, `${type} is owned by ${owners.length === 0 ? 'no family' : owners.join(' and ')}`);
      assert.equal(familyOf(type)?.id, owners[0]);
    }
    assert.equal(familyOf('no-such-type'), undefined);
  });

  it('has one folder-named id per family', () => {
    const ids = FAMILIES.map((family) => family.id);
    assert.deepEqual([...new Set(ids)], ids);
    for (const id of ids) assert.match(id, /^[a-z][a-z0-9-]*$/);
  });

  it('lists as labelable only types whose family can take a response from the workbench', () => {
    for (const type of LABELABLE_TASK_TYPES) assert.ok(familyOf(type)!.labelable.includes(type));
    // The types the workbench had editors for before families existed stay labelable.
    for (const type of ['imageannotation', 'annotation', 'categorization', 'textcollection', 'transcription', 'documenttranscription', 'comparison', 'namedentityrecognition']) {
      assert.ok((LABELABLE_TASK_TYPES as readonly string[]).includes(type), `${type} should be labelable`);
    }
    assert.ok(!(LABELABLE_TASK_TYPES as readonly string[]).includes('lidarannotation'));
  });

  it('refuses a type claimed by two families, a type no family claims, and a name outside the contract', () => {
    const stub = (id: string, taskTypes: TaskFamily['taskTypes']): TaskFamily => ({
      id,
      taskTypes,
      labelable: [],
      validateParams: () => {},
      validateResponse: () => {},
      testResponse: () => ({}),
    });
    const everything = stub('all', TASK_TYPES);
    assert.throws(() => indexFamilies([everything, stub('again', ['categorization'])]), /"categorization" is claimed by two families: all and again/);
    assert.throws(() => indexFamilies([stub('some', ['categorization'])]), /No family owns the task type\(s\) annotation, /);
    assert.throws(() => indexFamilies([everything, stub('odd', ['pictionary' as never])]), /"pictionary", which is not a task type/);
    assert.equal(indexFamilies([everything]).size, TASK_TYPES.length);
  });
});
