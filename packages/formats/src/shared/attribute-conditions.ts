import { isPlainObject } from './problem.ts';

/**
 * Whether an annotation attribute applies to an annotation, by Scale's conditionality rules
 * (task-types.md §1.5 "conditions"): `label_condition` (`{label: value | [values]}`) AND any one of
 * `attribute_conditions` (each `{key: value | [values]}`, all its keys matching). An attribute with
 * no conditions applies to every annotation. The workbench's editor reads conditions the same way.
 */
export function attributeApplies(definition: Record<string, unknown>, label: unknown, answers: Record<string, unknown>): boolean {
  const conditions = definition.conditions;
  if (!isPlainObject(conditions)) return true;
  if (isPlainObject(conditions.label_condition) && !matches(conditions.label_condition, { ...answers, label })) return false;
  const attributeConditions = Array.isArray(conditions.attribute_conditions) ? conditions.attribute_conditions.filter(isPlainObject) : [];
  return attributeConditions.length === 0 || attributeConditions.some((condition) => matches(condition, answers));
}

function matches(condition: Record<string, unknown>, values: Record<string, unknown>): boolean {
  return Object.entries(condition).every(([key, expected]) => {
    const actual = values[key];
    const actualList = Array.isArray(actual) ? actual.map(String) : actual === undefined || actual === null ? [] : [String(actual)];
    const expectedList = (Array.isArray(expected) ? expected : [expected]).map(String);
    return actualList.some((item) => expectedList.includes(item));
  });
}
