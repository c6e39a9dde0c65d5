import type { AttributeValue } from './types.ts';
import { flattenLabels, type LabelOption } from './labels.ts';

/** One entry of Scale's `annotation_attributes`, normalised. */
export interface AttributeDefinition {
  key: string;
  type: 'category' | 'number' | 'angle' | 'text' | 'linked';
  description: string;
  choices: LabelOption[];
  allowMultiple: boolean;
  min?: number;
  max?: number;
  step?: number;
  required: boolean;
  /** Asked once per task (saved under `global_attributes`) instead of per annotation. */
  global: boolean;
  conditions?: AttributeConditions;
  /** `linked` attributes: labels of the annotations that may be the target (empty: any). */
  allowedLabels: string[];
}

/** A condition is `{key: value}` or `{key: [values]}`: equality or membership. */
export type Condition = Record<string, string | string[]>;

export interface AttributeConditions {
  label_condition?: Condition;
  attribute_conditions?: Condition[];
}

const ATTRIBUTE_TYPES = new Set(['category', 'number', 'angle', 'text', 'linked']);

/** Reads `annotation_attributes` from task params; unknown attribute types (offset) are skipped. */
export function parseAttributeDefinitions(raw: unknown): AttributeDefinition[] {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return [];
  const definitions: AttributeDefinition[] = [];
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (!value || typeof value !== 'object') continue;
    const spec = value as Record<string, unknown>;
    const type = typeof spec.type === 'string' ? spec.type : 'category';
    if (!ATTRIBUTE_TYPES.has(type)) continue;
    definitions.push({
      key,
      type: type as AttributeDefinition['type'],
      description: typeof spec.description === 'string' ? spec.description : key,
      choices: flattenLabels(spec.choices),
      allowMultiple: spec.allow_multiple === true,
      min: typeof spec.min === 'number' ? spec.min : type === 'angle' ? 0 : undefined,
      max: typeof spec.max === 'number' ? spec.max : type === 'angle' ? 360 : undefined,
      step: typeof spec.step === 'number' ? spec.step : undefined,
      // Text and linked answers are optional unless asked for (Scale: `required` defaults to false for
      // linked); the others are required unless `required: false`.
      required: typeof spec.required === 'boolean' ? spec.required : type !== 'text' && type !== 'linked',
      global: spec.global === true,
      conditions: spec.conditions && typeof spec.conditions === 'object' ? (spec.conditions as AttributeConditions) : undefined,
      allowedLabels: Array.isArray(spec.allowed_labels) ? spec.allowed_labels.filter((label): label is string => typeof label === 'string') : [],
    });
  }
  return definitions;
}

function matches(condition: Condition, values: Record<string, AttributeValue | undefined>): boolean {
  return Object.entries(condition).every(([key, expected]) => {
    const actual = values[key];
    const actualList = Array.isArray(actual) ? actual.map(String) : actual === undefined ? [] : [String(actual)];
    const expectedList = Array.isArray(expected) ? expected : [expected];
    return actualList.some((item) => expectedList.includes(item));
  });
}

/**
 * Whether an attribute applies to an annotation with this label and these answers. The label
 * condition and the attribute conditions are AND-ed; the attribute conditions list is OR-ed.
 */
export function attributeApplies(
  definition: AttributeDefinition,
  label: string,
  values: Readonly<Record<string, AttributeValue>>,
): boolean {
  const conditions = definition.conditions;
  if (!conditions) return true;
  if (conditions.label_condition && !matches(conditions.label_condition, { ...values, label })) return false;
  const attributeConditions = conditions.attribute_conditions;
  if (Array.isArray(attributeConditions) && attributeConditions.length > 0) {
    return attributeConditions.some((condition) => matches(condition, values));
  }
  return true;
}

/** The definitions that apply, in declaration order (a condition may depend on an earlier answer). */
export function applicableAttributes(
  definitions: readonly AttributeDefinition[],
  label: string,
  values: Readonly<Record<string, AttributeValue>>,
): AttributeDefinition[] {
  return definitions.filter((definition) => attributeApplies(definition, label, values));
}

/** Keeps only the answers to attributes that apply, so a changed label doesn't leave stale answers. */
export function prunedAttributeValues(
  definitions: readonly AttributeDefinition[],
  label: string,
  values: Readonly<Record<string, AttributeValue>>,
): Record<string, AttributeValue> {
  const kept: Record<string, AttributeValue> = {};
  for (const definition of applicableAttributes(definitions, label, values)) {
    if (values[definition.key] !== undefined) kept[definition.key] = values[definition.key];
  }
  return kept;
}

export function isAnswered(value: AttributeValue | undefined): boolean {
  if (value === undefined) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'string') return value.trim().length > 0;
  return Number.isFinite(value);
}
